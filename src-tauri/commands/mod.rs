//! IPC commands, generated from the one command list (`jiancha_api::for_each_command!`):
//! each is an `async` Tauri command taking one argument `req` (the command's request
//! type; none for commands without one) that runs `jiancha_api::Handlers` on the service off
//! the main thread. `generate_handler!` registers exactly the list, `src-tauri/build.rs`
//! registers `jiancha_api::COMMANDS` with Tauri and writes the capability granting them
//! (`tests/capabilities.rs` checks all three agree). To add a command, add it to the list in
//! `crates/api/src/commands.rs` and its handler in `crates/service/src/commands/<area>.rs`.

use jiancha_api::{ApiError, Handlers};
use tauri::State;

use crate::AppState;

/// Runs a blocking service call off the main thread.
pub(crate) async fn blocking<T: Send + 'static>(
    state: State<'_, AppState>,
    f: impl FnOnce(&jiancha_service::Service) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let svc = state.service.clone()?;
    tokio::task::spawn_blocking(move || f(&svc))
        .await
        .map_err(jiancha_service::internal)?
}

/// One Tauri command per entry of the list, and the handler registering them all.
macro_rules! shell_commands {
    ($( $area:ident { $( $(#[$doc:meta])* $name:ident ( $($req:ty)? ) -> $resp:ty; )* } )*) => {
        $($(
            $(#[$doc])*
            #[tauri::command]
            async fn $name(
                state: State<'_, AppState>,
                $(req: $req,)?
            ) -> Result<$resp, ApiError> {
                blocking(state, move |svc| {
                    Handlers::$name(svc $(, std::convert::identity::<$req>(req))?)
                })
                .await
            }
        )*)*

        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($($name,)*)*]
        }
    };
}

jiancha_api::for_each_command!(shell_commands);
