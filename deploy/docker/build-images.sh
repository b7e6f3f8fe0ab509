#!/bin/sh
# Builds the image of every service module (services/*-service in the root pom's <modules>) where a Docker engine runs:
# layerprune/<module>:<project version>, the names that docker-compose.yml and deploy/k8s use, plus
# layerprune/heal-service:<version>-cuda for GPU workers.
#
#   deploy/docker/build-images.sh              # package with Maven (tests skipped), then build every image
#   SKIP_MAVEN=1 deploy/docker/build-images.sh # images from what target/quarkus-app already holds
#   NO_CUDA=1 deploy/docker/build-images.sh    # without the CUDA heal image (it downloads libtorch for CUDA, ~2 GiB)
#   PUSH=registry.example.com/ml deploy/docker/build-images.sh   # also tag and push as <PUSH>/layerprune/<module>:<version>
set -eu
cd "$(dirname "$0")/../.."

# The project version: the root pom's own <version> (two spaces in, right under the artifactId).
version=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' pom.xml | head -n 1)
modules=$(sed -n 's|^ *<module>services/\([a-z0-9-]*-service\)</module>$|\1|p' pom.xml)
if [ -z "$version" ] || [ -z "$modules" ]; then
    echo "could not read the version or the service modules from pom.xml" >&2
    exit 1
fi

if [ -z "${SKIP_MAVEN:-}" ]; then
    list=$(for m in $modules; do printf 'services/%s,' "$m"; done)
    ./mvnw -B -pl "${list%,}" -am package -DskipTests
fi

tag() {
    docker build -f "$1" $2 -t "layerprune/$3:$4" .
    if [ -n "${PUSH:-}" ]; then
        docker tag "layerprune/$3:$4" "$PUSH/layerprune/$3:$4"
        docker push "$PUSH/layerprune/$3:$4"
    fi
}

for module in $modules; do
    tag deploy/docker/Dockerfile.jvm "--build-arg SERVICE=$module" "$module" "$version"
done
if [ -z "${NO_CUDA:-}" ]; then
    tag deploy/docker/Dockerfile.heal-cuda "" heal-service "$version-cuda"
fi
echo "built: $(for m in $modules; do printf 'layerprune/%s:%s ' "$m" "$version"; done)"
