//! Micro-benchmarks of the per-call CPU work (`cargo bench --bench crypto`): RSA-2048
//! PKCS#1 v1.5 SHA-256 sign and verify with the compiled backend
//! ([`antom_sidecar::signing::BACKEND`]) over a realistic content to sign, and
//! [`PaymentResult::to_wire`] of a payment with every field set.

mod common;

use std::sync::LazyLock;

use antom_sidecar::{
    keys::GeneratedKeyPair,
    payment::PaymentResult,
    signing::{self, SigningKey, VerifyingKey},
};
use divan::{Bencher, black_box, counter::ItemsCount};

/// A key pair, a content to sign and its signature, made once outside the measurement.
struct Inputs {
    key: SigningKey,
    public: VerifyingKey,
    content: Vec<u8>,
    signature: Vec<u8>,
    payment: PaymentResult,
}

static INPUTS: LazyLock<Inputs> = LazyLock::new(|| {
    let pair = GeneratedKeyPair::generate();
    let (key, public) = (pair.signing_key(), pair.verifying_key());
    let content = common::content_to_sign();
    let signature = key.sign_raw(&content);
    assert!(
        public.verify_raw(&content, &signature),
        "a fresh signature verifies"
    );
    Inputs {
        key,
        public,
        content,
        signature,
        payment: common::full_payment(),
    }
});

fn main() {
    let inputs = &*INPUTS;
    println!(
        "crypto backend: {}; content to sign: {} bytes; wire JSON: {} bytes",
        signing::BACKEND,
        inputs.content.len(),
        inputs.payment.to_wire().len()
    );
    divan::main();
}

#[divan::bench(min_time = 0.5)]
fn rsa_sign(bencher: Bencher) {
    let inputs = &*INPUTS;
    bencher
        .counter(ItemsCount::new(1usize))
        .bench(|| drop(black_box(inputs.key.sign_raw(black_box(&inputs.content)))));
}

#[divan::bench(min_time = 0.5)]
fn rsa_verify(bencher: Bencher) {
    let inputs = &*INPUTS;
    bencher.counter(ItemsCount::new(1usize)).bench(|| {
        let ok = inputs
            .public
            .verify_raw(black_box(&inputs.content), black_box(&inputs.signature));
        assert!(ok, "the signature keeps verifying");
    });
}

#[divan::bench(sample_size = 1000)]
fn payment_to_wire(bencher: Bencher) {
    let payment = &INPUTS.payment;
    bencher
        .counter(ItemsCount::new(1usize))
        .bench(|| drop(black_box(black_box(payment).to_wire())));
}
