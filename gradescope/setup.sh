#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (docs/instructors.md,
# "Gradescope"): a JDK 21+ and Maven from the distribution, then one offline-ready build of the
# reference so grading a submission downloads nothing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# prometheus and curl: the final server is scraped by a real Prometheus and called by curl.
apt-get install -y -qq --no-install-recommends openjdk-21-jdk-headless maven prometheus curl >/dev/null
cd /autograder/source
mvn -B -ntp -q -DskipTests verify
