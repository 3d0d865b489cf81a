fn main() -> std::process::ExitCode {
    pwaccount::run(std::env::args_os())
}
