# Debian package detection for .ci/setup (sourced; tests/setup runs it against fake tools).
#
# A package is installable when `apt-cache policy` gives it a candidate version. `apt-cache
# show` is not enough: it succeeds for a package that another one only mentions (open-jtalk
# recommends the contrib voice), so a machine with only `main` looked as if it had the voice.
#
# APT_ETC (default /etc/apt) is where the sources are read and the contrib entry is written.

APT_ETC=${APT_ETC:-/etc/apt}
KIOSK_CONTRIB_FILE=${KIOSK_CONTRIB_FILE:-kiosk-contrib.sources}

# The package names of a list file, one a line (comments, blank lines and flags dropped).
# A line "NAME optional" marks a package the kiosk can run without.
wanted_packages() {
    awk '!/^[[:space:]]*(#|$)/ {print $1}' "$1"
}

optional_packages() {
    awk '!/^[[:space:]]*(#|$)/ && $2 == "optional" {print $1}' "$1"
}

# The packages of the arguments that are not installed.
not_installed() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
            || echo "$pkg"
    done
}

# The packages of the arguments that apt has no installation candidate for.
no_candidate() {
    local pkg candidate
    for pkg in "$@"; do
        candidate=$(apt-cache policy "$pkg" 2>/dev/null | awk '$1 == "Candidate:" {print $2; exit}')
        if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
            echo "$pkg"
        fi
    done
}

# The Debian archive entries of the machine's sources, whatever their form (one-line
# sources.list files, deb822 .sources files, or both), one a line: URI<TAB>SUITE<TAB>COMPONENTS
# <TAB>SIGNED-BY. Only `deb` entries of the main archive (not -security, not other vendors).
debian_archive_entries() {
    _all_source_entries | awk -F'\t' '$1 !~ /security/ && $2 !~ /-security$/ && $1 ~ /\/debian\/?$/'
}

_all_source_entries() {
    local file
    for file in "$APT_ETC"/sources.list "$APT_ETC"/sources.list.d/*.list; do
        [ -r "$file" ] || continue
        awk '
            /^[[:space:]]*deb[[:space:]]/ {
                i = 2; signed = ""
                if ($2 ~ /^\[/) {
                    while (i <= NF) {
                        opt = $i; gsub(/[\[\]]/, "", opt)
                        if (opt ~ /^signed-by=/) { signed = substr(opt, 11) }
                        if ($i ~ /\]$/) { i++; break }
                        i++
                    }
                }
                uri = $i; suite = $(i + 1); comps = ""
                for (j = i + 2; j <= NF; j++) { comps = comps (comps == "" ? "" : " ") $j }
                print uri "\t" suite "\t" comps "\t" signed
            }' "$file"
    done
    for file in "$APT_ETC"/sources.list.d/*.sources; do
        [ -r "$file" ] || continue
        awk '
            function flush(   n, k, s) {
                if (types ~ /(^| )deb( |$)/ && enabled != "no" && uris != "") {
                    n = split(suites, s, " ")
                    for (k = 1; k <= n; k++) { print uris "\t" s[k] "\t" comps "\t" signed }
                }
                types = ""; uris = ""; suites = ""; comps = ""; signed = ""; enabled = ""
            }
            /^[[:space:]]*$/ { flush(); next }
            /^[[:space:]]*#/ { next }
            {
                key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^[[:space:]]+/, "")
                if (key == "types") types = $0
                else if (key == "uris") uris = $0
                else if (key == "suites") suites = $0
                else if (key == "components") comps = $0
                else if (key == "signed-by") signed = $0
                else if (key == "enabled") enabled = tolower($0)
            }
            END { flush() }' "$file"
    done
}

# Whether some Debian archive entry already has contrib.
contrib_enabled() {
    debian_archive_entries | awk -F'\t' '$3 ~ /(^| )contrib( |$)/ {found = 1} END {exit !found}'
}

# A deb822 entry with the contrib component for every suite of the machine's Debian archive
# (the same mirror and key as its `main`), printed; empty when there is nothing to add.
contrib_entry() {
    debian_archive_entries | awk -F'\t' '
        $3 ~ /(^| )main( |$)/ && !seen[$1 "\t" $2]++ {
            key = $1 "\t" $4
            if (!(key in suites)) { order[++n] = key; suites[key] = $2 }
            else suites[key] = suites[key] " " $2
        }
        END {
            for (i = 1; i <= n; i++) {
                split(order[i], part, "\t")
                if (i > 1) print ""
                print "Types: deb"
                print "URIs: " part[1]
                print "Suites: " suites[order[i]]
                print "Components: contrib"
                if (part[2] != "") print "Signed-By: " part[2]
            }
        }'
}

# Writes the contrib entry beside the machine's sources (with $SUDO when not root).
# Returns 1 when the machine has no Debian archive entry to copy it from.
enable_contrib() {
    local entry
    entry=$(contrib_entry)
    [ -n "$entry" ] || return 1
    printf '%s\n' "$entry" | ${SUDO:-} tee "$APT_ETC/sources.list.d/$KIOSK_CONTRIB_FILE" >/dev/null
}

# Whether a word is one of the remaining arguments.
is_one_of() {
    local word=$1 item
    shift
    for item in "$@"; do [ "$item" = "$word" ] && return 0; done
    return 1
}

# Decides what to install from a package list: prints the packages to pass to apt-get install,
# one a line, and says on stderr what it did and what it left out. Runs `apt-get update`
# (again after enabling contrib). Returns 1 when a package the kiosk needs cannot be had.
resolve_packages() {
    local list=$1 pkg
    local -a wanted optional missing absent required_absent
    mapfile -t wanted < <(wanted_packages "$list")
    mapfile -t optional < <(optional_packages "$list")
    mapfile -t missing < <(not_installed "${wanted[@]}")
    [ ${#missing[@]} -gt 0 ] || return 0
    ${SUDO:-} apt-get update -q >/dev/null || echo "setup: apt-get update failed; using the package lists as they are" >&2
    mapfile -t absent < <(no_candidate "${missing[@]}")
    if [ ${#absent[@]} -gt 0 ]; then
        if contrib_enabled; then
            echo "setup: no installation candidate for ${absent[*]} (Debian contrib is already enabled)" >&2
        elif enable_contrib; then
            echo "setup: no installation candidate for ${absent[*]}: enabled Debian's contrib section ($APT_ETC/sources.list.d/$KIOSK_CONTRIB_FILE)" >&2
            ${SUDO:-} apt-get update -q >/dev/null || echo "setup: apt-get update failed after enabling contrib" >&2
            mapfile -t absent < <(no_candidate "${absent[@]}")
        else
            echo "setup: no installation candidate for ${absent[*]}, and no Debian archive in $APT_ETC to add contrib to" >&2
        fi
    fi
    required_absent=()
    for pkg in "${missing[@]}"; do
        if ! is_one_of "$pkg" "${absent[@]}"; then
            echo "$pkg"
        elif is_one_of "$pkg" "${optional[@]}"; then
            echo "setup: $pkg cannot be installed: voice guidance will be English-only (the kiosk runs without it; kiosk doctor says so)" >&2
        else
            required_absent+=("$pkg")
        fi
    done
    if [ ${#required_absent[@]} -gt 0 ]; then
        echo "setup: cannot install ${required_absent[*]}: no installation candidate in the machine's apt sources" >&2
        return 1
    fi
}
