#!/bin/sh
# Builds the image of every service module (services/*-service in the root pom's <modules>) where a Docker engine runs:
# layerprune/<module>:<project version>, the names that docker-compose.yml and deploy/k8s use, plus
# layerprune/heal-service:<version>-cuda for GPU workers.
#
#   deploy/docker/build-images.sh              # package with Maven (tests skipped), then build every image
#   SKIP_MAVEN=1 deploy/docker/build-images.sh # images from what target/quarkus-app already holds
#   NO_CUDA=1 deploy/docker/build-images.sh    # without the CUDA heal image (its build downloads libtorch for CUDA)
#   PUSH=registry.example.com/ml deploy/docker/build-images.sh   # also tag and push as <PUSH>/layerprune/<module>:<version>
#   LIST=1 deploy/docker/build-images.sh       # print "<dockerfile> <image> <SERVICE build arg or ->" per image, build
#                                              # nothing (deploy's tests compare it with docker-compose.yml)
set -eu
cd "$(dirname "$0")/../.."

# The project version: the root pom's own <version> (two spaces in, right under the artifactId).
version=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' pom.xml | head -n 1)
modules=$(sed -n 's|^ *<module>services/\([a-z0-9-]*-service\)</module>$|\1|p' pom.xml)
if [ -z "$version" ] || [ -z "$modules" ]; then
    echo "could not read the version or the service modules from pom.xml" >&2
    exit 1
fi

# What to build, one image a line: dockerfile, image, the SERVICE build argument (- for none).
images=$(
    for module in $modules; do
        echo "deploy/docker/Dockerfile.jvm layerprune/$module:$version $module"
    done
    if [ -z "${NO_CUDA:-}" ]; then
        echo "deploy/docker/Dockerfile.heal-cuda layerprune/heal-service:$version-cuda -"
    fi
)

if [ -n "${LIST:-}" ]; then
    echo "$images"
    exit 0
fi

if [ -z "${SKIP_MAVEN:-}" ]; then
    list=$(for m in $modules; do printf 'services/%s,' "$m"; done)
    ./mvnw -B -pl "${list%,}" -am package -DskipTests
fi

echo "$images" | while read -r dockerfile image service; do
    if [ "$service" = "-" ]; then
        docker build -f "$dockerfile" -t "$image" .
    else
        docker build -f "$dockerfile" --build-arg "SERVICE=$service" -t "$image" .
    fi
    if [ -n "${PUSH:-}" ]; then
        docker tag "$image" "$PUSH/$image"
        docker push "$PUSH/$image"
    fi
done
echo "built:"
echo "$images" | cut -d ' ' -f 2
