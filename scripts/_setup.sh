# Shared set-up steps, sourced by scripts/demo, scripts/test and .ci/run.
# Idempotent: each step checks before it installs.

VENV="${SHIGONGTU_VENV:-.venv}"
PY="${PYTHON:-python3}"

setup_python() {
    # $1: extras to install, e.g. "[dev]"
    local extras="${1:-}"
    if [ ! -x "$VENV/bin/python" ]; then
        "$PY" -m venv "$VENV"
    fi
    local stamp="$VENV/.shigongtu-installed$extras"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
        "$VENV/bin/python" -m pip install --quiet -e ".$extras" >&2
        touch "$stamp"
    fi
}

apt_install() {
    # Install Debian packages that are missing (only possible as root with apt).
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
        echo "setup: please install these Debian packages: ${missing[*]}" >&2
        return 0
    fi
    echo "setup: installing ${missing[*]} …" >&2
    apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

setup_documents() {
    # What bulletins need: Pango for WeasyPrint's PDFs (no browser), CJK fonts for PDFs and
    # charts; pdftoppm/pdffonts for the rendering checks.
    apt_install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk poppler-utils
}

setup_browser() {
    # Debian's Chromium for the browser tests (never a downloaded browser; PDFs do not need it).
    apt_install chromium
}

ensure_postgres() {
    # CI needs PostgreSQL on 127.0.0.1:5432 (database "test", trust auth).
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        apt_install postgresql
    fi
    if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
        local version
        version="$(ls /etc/postgresql | sort -V | tail -n1)"
        if [ -n "$version" ]; then
            pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
        fi
        for _ in $(seq 1 30); do
            pg_isready -h 127.0.0.1 -p 5432 -q && break
            sleep 1
        done
    fi
    if ! psql "postgres://postgres@127.0.0.1:5432/test" -c "select 1" >/dev/null 2>&1; then
        # A fresh cluster: allow local trust connections and create the database.
        local hba
        hba="$(ls /etc/postgresql/*/main/pg_hba.conf 2>/dev/null | tail -n1)"
        if [ -n "$hba" ] && ! grep -q "shigongtu-ci" "$hba"; then
            sed -i '1i host all all 127.0.0.1/32 trust # shigongtu-ci' "$hba"
            pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main reload >&2 || true
        fi
        su postgres -c "psql -q -c 'create database test'" >&2 2>/dev/null || true
    fi
}
