# k8lint as a container image: a static (musl) binary on a distroless base, run as a
# non-root user. Build: `docker build -t k8lint .`; run on the current folder:
#   docker run --rm -v "$PWD:/work" k8lint check .
# The build stage is Alpine, whose Rust targets musl: the binary links nothing at run
# time, so the final image needs no libc.

FROM rust:1.95-alpine AS build
# mimalloc's C sources need a C compiler and the musl headers.
RUN apk add --no-cache build-base
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
    && strip target/release/k8lint \
    # A static binary or nothing: the distroless base has no dynamic loader.
    && ! ldd target/release/k8lint 2>/dev/null | grep -q '=>'

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/target/release/k8lint /usr/local/bin/k8lint
# 65532: distroless's `nonroot` user; k8lint needs no privilege and no writable path.
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/k8lint"]
CMD ["check", "."]
