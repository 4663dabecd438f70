//! One dispatch per IPC command: `Service` implements [`jiancha_api::Handlers`], the trait the
//! command list (`jiancha_api::for_each_command!`) declares, by forwarding each method to the
//! function of the same name in this module's file for its area (`commands/<area>.rs`).
//! Those functions only unpack the typed request and call the service's public functions
//! (`crate::queues::card_page`, `crate::letters::number_admonition`, …), where the rules are;
//! for the letter workflows they also open the session (the role check, `Action`) the step
//! needs. A command added to the list without its function here fails to compile.
//!
//! The shell (`src-tauri/commands/mod.rs`) calls the trait on the blocking pool; the CLI calls
//! the service functions directly.

mod app;
mod auth;
mod calendar;
mod letters;
mod queues;
mod settings;
mod sms;
mod sync;

#[cfg(test)]
mod tests;

use jiancha_api::ApiError;

use crate::app::Service;

macro_rules! impl_handlers {
    ($( $area:ident { $( $(#[$doc:meta])* $name:ident ( $($req:ty)? ) -> $resp:ty; )* } )*) => {
        impl jiancha_api::Handlers for Service {
            $($(
                fn $name(&self $(, req: $req)?) -> Result<$resp, ApiError> {
                    $area::$name(self $(, std::convert::identity::<$req>(req))?)
                }
            )*)*
        }
    };
}

jiancha_api::for_each_command!(impl_handlers);
