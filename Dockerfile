# antom-sidecar production image: the release binary on distroless (glibc, libgcc, CA
# certificates; no shell, no package manager), as the numeric non-root user 10001:10001
# that the manifests in k8s/ also name (runAsUser, runAsGroup, fsGroup).
#
#   docker build -t registry.example.com/antom-sidecar:0.1.0 .
#
# Built with --no-default-features: the default `emulator` feature (the `dev` and
# `emulator` commands, and `keygen`) stays out of the production binary, which keeps
# `serve`, `check` and `probe`. --locked builds exactly Cargo.lock.
#
# Base images are pinned by digest (the multi-arch index, so amd64 and arm64 builds
# share the pin). To move to a newer one, change tag and digest together:
#   docker buildx imagetools inspect rust:1.88-bookworm          (the "Digest:" line)
#   docker buildx imagetools inspect gcr.io/distroless/cc-debian12:nonroot
# The toolchain is Cargo.toml's rust-version (1.88; edition 2024 needs >= 1.85), so
# the image also proves that the declared minimum builds.

FROM rust:1.88-bookworm@sha256:af306cfa71d987911a781c37b59d7d67d934f49684058f96cf72079c3626bfe0 AS build
WORKDIR /src
# Only what the build reads (.dockerignore lists the rest out): the manifest and lock,
# build.rs with the protos it compiles, the sources, and the bench targets that
# Cargo.toml declares (cargo checks that they exist; they are not built).
COPY . .
RUN cargo build --release --locked --no-default-features --bin antom-sidecar

FROM gcr.io/distroless/cc-debian12:nonroot@sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f
COPY --from=build /src/target/release/antom-sidecar /usr/local/bin/antom-sidecar
# Numeric, so that the kubelet can check runAsNonRoot against it; >= 10000, so that it
# is no host user's. The binary writes nothing to disk (read-only root filesystem).
USER 10001:10001
# gRPC (loopback by default: SIDECAR_LISTEN) and the admin listener (SIDECAR_ADMIN_LISTEN).
EXPOSE 50051 9464
ENTRYPOINT ["/usr/local/bin/antom-sidecar"]
CMD ["serve"]
