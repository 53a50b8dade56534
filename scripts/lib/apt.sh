# Sourced by the ensure-* scripts: install Debian packages, refreshing the package lists only when needed.
export DEBIAN_FRONTEND=noninteractive

apt_install() {
  # Try with the lists the machine has first (fast when they are current); refresh them once on failure.
  apt-get install -y -q "$@" || { apt-get update -q && apt-get install -y -q "$@"; }
}
