module dev.mlapi/connection-test

// The toolchain is part of the image's digest: lib/image.sh builds with exactly this one (the
// machine's Go when it is this version, else the module proxy's), so the digest is the same anywhere.
go 1.26

toolchain go1.26.8
