//! Compiles `proto/` with protox (no system `protoc`) and writes the descriptor set that
//! the reflection service serves.

use std::{env, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let fds = protox::compile(["antom/risk/v1/risk_service.proto"], ["proto"])?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    std::fs::write(
        out.join("antom_risk_v1_descriptor.bin"),
        prost::Message::encode_to_vec(&fds),
    )?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // Card data (number, expiry, CPF, cavv, eci, cvvResult, authorizationCode, the
        // provider's errorMessage) and passport numbers: src/pb_debug.rs writes a Debug
        // that hides them.
        .skip_debug([
            ".antom.risk.v1.PaymentMethodMetaData",
            ".antom.risk.v1.Passenger",
            ".antom.risk.v1.AuthorizationError",
            ".antom.risk.v1.CardVerificationResult",
            ".antom.risk.v1.ThreeDSResult",
        ])
        .compile_fds(fds)?;
    Ok(())
}
