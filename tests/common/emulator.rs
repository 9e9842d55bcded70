//! The emulator's side of the harness (the `emulator` feature): an emulator on
//! `127.0.0.1:0` as Antom would be for the tests' merchant, alone or with a sidecar
//! pointed at it, and calls known to be in its hands.

use std::time::Duration;

use antom_sidecar::{
    antom::SettingsBuilder,
    emulator::{Emulator, EmulatorConfig, EmulatorHandle},
    grpc,
    pb::{self, risk_service_client::RiskServiceClient},
    secret::Secret,
};
use tonic::transport::Channel;

use super::{
    RunningSidecar, default_attempts, grace, keys, request, settings, start_sidecar,
    start_sidecar_with,
};

/// An emulator on `127.0.0.1:0`, stopped when the handle drops.
pub async fn start_emulator(config: EmulatorConfig) -> EmulatorHandle {
    Emulator::new(config)
        .spawn(([127, 0, 0, 1], 0).into())
        .await
        .expect("start the emulator")
}

/// The emulator as Antom would be for our merchant, accepting an API key too.
pub fn emulator_config() -> EmulatorConfig {
    EmulatorConfig {
        api_key: Some(Secret::new("isak_TEST_emulator")),
        ..keys().pairs.emulator_config()
    }
}

/// Starts a call in the background and returns once the emulator has it in hand (no
/// guessed sleep), e.g. to shut the sidecar down while it is in flight.
pub async fn in_flight(
    sidecar: &RunningSidecar,
    emulator: &EmulatorHandle,
    id: &str,
) -> tokio::task::JoinHandle<Result<tonic::Response<pb::SendPaymentResultResponse>, tonic::Status>>
{
    in_flight_on(sidecar.client.clone(), emulator, id).await
}

/// Like [`in_flight`], on a client of one's own (another connection, say).
pub async fn in_flight_on(
    mut client: RiskServiceClient<Channel>,
    emulator: &EmulatorHandle,
    id: &str,
) -> tokio::task::JoinHandle<Result<tonic::Response<pb::SendPaymentResultResponse>, tonic::Status>>
{
    let req = request(id);
    let seen = emulator.watch_requests().borrow().total;
    let call = tokio::spawn(async move { client.send_payment_result(req).await });
    emulator
        .watch_requests()
        .wait_for(|log| log.total > seen)
        .await
        .expect("emulator alive");
    call
}

/// Emulator plus sidecar with default settings.
pub async fn start() -> (EmulatorHandle, RunningSidecar) {
    start_with(grace(Duration::from_secs(5))).await
}

/// Emulator plus sidecar with `options`.
pub async fn start_with(options: grpc::Options) -> (EmulatorHandle, RunningSidecar) {
    let emulator = start_emulator(emulator_config()).await;
    let sidecar = start_sidecar_with(settings(emulator.addr()), options).await;
    (emulator, sidecar)
}

/// Emulator plus a sidecar with [`default_attempts`], changed by `tune` (`|s| s` for
/// none).
pub async fn start_default_attempts(
    tune: impl FnOnce(SettingsBuilder) -> SettingsBuilder,
) -> (EmulatorHandle, RunningSidecar) {
    let emulator = start_emulator(emulator_config()).await;
    let sidecar = start_sidecar(tune(default_attempts(emulator.addr()))).await;
    (emulator, sidecar)
}

/// How many requests with `id` (as `referenceTransactionId`) reached the emulator,
/// accepted or not.
pub fn tries(emulator: &EmulatorHandle, id: &str) -> usize {
    (emulator.requests().iter())
        .filter(|r| r["referenceTransactionId"] == id)
        .count()
}
