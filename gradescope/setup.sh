#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (docs/instructors.md,
# "Gradescope"): a JDK 21+ and Maven from the distribution, then the reference built and its tests
# run once in /autograder/reference. That run downloads every plugin and test provider (grading is
# then offline, `mvn -o`), checks that the image scores full marks (the build stops otherwise),
# and keeps the reference's score reports as the answer key.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# prometheus and curl: the final server is scraped by a real Prometheus and called by curl;
# util-linux: unshare and setpriv for the grading sandbox.
apt-get install -y -qq --no-install-recommends openjdk-21-jdk-headless maven prometheus curl util-linux >/dev/null
systemctl stop prometheus 2>/dev/null || pkill -x prometheus 2>/dev/null || true
bash /autograder/source/grading/prepare-reference /autograder/reference
# Docker (so Gradescope) refuses the user namespaces of the grading sandbox; as root, the grader then
# runs each test JVM as the user nobody, which must be able to read the Maven repository (never write it).
chmod o+x "$HOME"
chmod -R o+rX "$HOME/.m2"
