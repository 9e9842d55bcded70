# antom-sidecar image: a static-ish Rust binary on distroless (glibc, CA certificates,
# non-root user). Build: docker build -t antom-sidecar .
FROM rust:1.88-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin antom-sidecar

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/antom-sidecar /usr/local/bin/antom-sidecar
USER nonroot
EXPOSE 50051
ENTRYPOINT ["/usr/local/bin/antom-sidecar"]
CMD ["serve"]
