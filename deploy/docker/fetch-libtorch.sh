#!/bin/sh
# Puts libtorch's CUDA build into an image at build time (Dockerfile.heal-cuda's "natives" stage), as DJL's PyTorch
# engine would download it at run time: the files that DJL's files.txt lists for <flavor>/linux-x86_64, each gunzipped.
# It fails when none is listed, when libtorch.so or libtorch_cuda.so is missing, or when a library needs another that
# is not in the set (the driver's libcuda excepted: the NVIDIA container runtime mounts it). SHA256SUMS records what
# was fetched.
#
# usage: fetch-libtorch.sh BASE_URL PYTORCH_VERSION FLAVOR DEST     e.g. https://publish.djl.ai/pytorch 2.7.1 cu128 /opt/libtorch
set -eu
base=$1
version=$2
flavor=$3
dest=$4
work=$(mktemp -d)
mkdir -p "$dest/lib"

curl -fsSL --retry 3 "$base/$version/files.txt" -o "$work/files.txt"
prefix="$flavor/linux-x86_64/native/lib/"
if ! grep "^$prefix" "$work/files.txt" > "$work/wanted"; then
    echo "no $flavor natives for linux-x86_64 listed in $base/$version/files.txt" >&2
    exit 1
fi
while read -r line; do
    # names are URL-encoded in the list (DJL decodes them); %XX -> the byte
    name=$(basename "$line" .gz)
    name=$(printf '%b' "$(printf '%s' "$name" | sed 's/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g')")
    curl -fsSL --retry 3 "$base/$version/$line" -o "$work/download.gz"
    gunzip -c "$work/download.gz" > "$dest/lib/$name"
done < "$work/wanted"

for required in libtorch.so libtorch_cuda.so libc10.so libc10_cuda.so; do
    if [ ! -f "$dest/lib/$required" ]; then
        echo "$required missing from the $flavor natives of $version" >&2
        exit 1
    fi
done
missing=$(for lib in "$dest"/lib/*; do LD_LIBRARY_PATH="$dest/lib" ldd "$lib"; done | grep 'not found' \
    | grep -v 'libcuda\.so' | sort -u || true)
if [ -n "$missing" ]; then
    echo "libraries that the $flavor natives need but do not hold:" >&2
    echo "$missing" >&2
    exit 1
fi
(cd "$dest" && sha256sum lib/* > SHA256SUMS)
rm -rf "$work"
echo "libtorch $version ($flavor) in $dest/lib: $(ls "$dest/lib" | wc -l) files"
