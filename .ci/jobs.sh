# Runs named jobs side by side (sourced by .ci/test): each job waits for the jobs it needs,
# then for a free slot in its lane, writes its output to its own log, and the log is printed
# whole when the job ends, so the output of two jobs never interleaves. Suites are counted in
# the summary; set-up jobs only when they fail (a suite that needed one then fails with "not
# run").
#   lanes NAME=SLOTS[:fifo]...  how many jobs of each lane run at once (a lane not named: no
#                         limit); in a fifo lane jobs start in the order they were declared
#   job setup|suite NAME "LABEL" "NEEDED JOB..." LANE [nice:N] command...
#   wait_jobs             prints each job as it ends, then the summary; non-zero on a failure
# Otherwise, in a lane, a job that is ready takes a free slot before any job declared after it.
JOBS_DIR=${JOBS_DIR:-$REPO/target/ci-jobs}
rm -rf "$JOBS_DIR"
mkdir -p "$JOBS_DIR"
JOBS_T0=$SECONDS
declare -A JOB_NAME_OF=() JOB_KIND=() JOB_LABEL=() LANE_SLOTS=() LANE_FIFO=()
JOB_COUNT=0
lanes() {
    local l n
    for l in "$@"; do
        n=${l#*=}
        LANE_SLOTS[${l%%=*}]=${n%:fifo}
        if [[ $n == *:fifo ]]; then LANE_FIFO[${l%%=*}]=1; fi
    done
}

# Slots are directories (mkdir is atomic); a ready job leaves a ticket (its declaration number;
# in a fifo lane, every job from its declaration on) and takes a slot only when no ticket of a
# job declared before it is waiting.
_take_slot() { # lane, seq -> sets SLOT
    local lane=$1 seq=$2 n=${LANE_SLOTS[$1]:-0} i t
    [ "$n" -gt 0 ] || { SLOT=""; return; }
    : >"$JOBS_DIR/ticket.$lane.$seq"
    while :; do
        for t in "$JOBS_DIR"/ticket."$lane".*; do
            [ "${t##*.}" -lt "$seq" ] && { sleep 0.2; continue 2; }
        done
        for ((i = 0; i < n; i++)); do
            if mkdir "$JOBS_DIR/slot.$lane.$i" 2>/dev/null; then
                SLOT="$JOBS_DIR/slot.$lane.$i"
                rm -f "$JOBS_DIR/ticket.$lane.$seq"
                return
            fi
        done
        sleep 0.2
    done
}
RESULTS=()

# Each job gets its own process group (job control), so an interrupted run can stop all of it.
set -m
exec {JOBS_OUT}>&1

_job_rc() { cat "$JOBS_DIR/$1.rc" 2>/dev/null || true; }

job() { # setup|suite, name, label, needed jobs, lane, [nice:N], command...
    local kind=$1 name=$2 label=$3 needs=$4 lane=$5 niceness=0
    shift 5
    if [[ ${1:-} == nice:* ]]; then niceness=${1#nice:}; shift; fi
    JOB_COUNT=$((JOB_COUNT + 1))
    JOB_KIND[$name]=$kind
    [ -z "${LANE_FIFO[$lane]:-}" ] || : >"$JOBS_DIR/ticket.$lane.$JOB_COUNT"
    (
        set +e
        for d in $needs; do
            while [ ! -e "$JOBS_DIR/$d.rc" ]; do sleep 0.3; done
            if [ "$(_job_rc "$d")" != 0 ]; then
                echo "not run: it needs '$d', which failed (its log is above)"
                rm -f "$JOBS_DIR/ticket.$lane.$JOB_COUNT"
                echo "$SECONDS $SECONDS" >"$JOBS_DIR/$name.time"
                echo 1 >"$JOBS_DIR/$name.rc"
                exit 1
            fi
        done
        _take_slot "$lane" "$JOB_COUNT"
        t0=$SECONDS
        printf '[%4d s] started: %s\n' $((SECONDS - JOBS_T0)) "$name" >&"$JOBS_OUT"
        [ "$niceness" = 0 ] || renice -n "$niceness" -p "$BASHPID" >/dev/null
        (set -e; "$@") # a shell function of lib.sh may be the command; errexit as in the scripts
        rc=$?
        [ -z "$SLOT" ] || rmdir "$SLOT"
        # CPU time of everything the job ran (children count once they are waited for).
        times >"$JOBS_DIR/$name.times"
        cpu=$(tail -n 1 "$JOBS_DIR/$name.times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
        echo "$t0 $SECONDS $cpu" >"$JOBS_DIR/$name.time"
        echo "$rc" >"$JOBS_DIR/$name.rc"
        exit "$rc"
    ) >"$JOBS_DIR/$name.log" 2>&1 </dev/null &
    JOB_NAME_OF[$!]=$name
    JOB_LABEL[$name]=$label
}

_stop_jobs() {
    local pid
    for pid in "${!JOB_NAME_OF[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
}
trap '_stop_jobs; exit 130' INT TERM

wait_jobs() {
    local pid name rc t0 t1 cpu label failed=0 left=$JOB_COUNT
    while [ "$left" -gt 0 ]; do
        pid=""
        wait -n -p pid || true
        [ -n "$pid" ] || continue
        name=${JOB_NAME_OF[$pid]:-}
        [ -n "$name" ] || continue
        unset "JOB_NAME_OF[$pid]"
        left=$((left - 1))
        rc=$(_job_rc "$name")
        read -r t0 t1 cpu <"$JOBS_DIR/$name.time" 2>/dev/null || { t0=0 t1=0 cpu=""; }
        label=${JOB_LABEL[$name]}
        if [ "${JOB_KIND[$name]}" = setup ] && [ "$rc" = 0 ]; then
            printf '\n==> %s: done in %d s (at %d s; log: %s)\n' "$label" $((t1 - t0)) $((SECONDS - JOBS_T0)) "${JOBS_DIR#"$REPO"/}/$name.log"
            continue
        fi
        printf '\n==> %s (%d s, at %d s)\n' "$label" $((t1 - t0)) $((SECONDS - JOBS_T0))
        cat "$JOBS_DIR/$name.log"
        if [ "$rc" = 0 ]; then
            RESULTS+=("passed  $label ($((t1 - t0)) s${cpu:+, $cpu s CPU})")
        else
            failed=$((failed + 1))
            RESULTS+=("FAILED  $label ($((t1 - t0)) s${cpu:+, $cpu s CPU})")
            [ "${JOB_KIND[$name]}" = setup ] && printf 'set-up step "%s" failed (exit code %s)\n' "$label" "$rc"
        fi
    done
    local suites=0 nfailed=0 r
    printf '\n==> Summary (%d s)\n' $((SECONDS - JOBS_T0))
    printf '  %s\n' "${RESULTS[@]}"
    for r in "${RESULTS[@]}"; do
        suites=$((suites + 1))
        [[ $r == FAILED* ]] && nfailed=$((nfailed + 1))
    done
    echo "Suites: $((suites - nfailed)) passed, $nfailed failed"
    [ "$nfailed" -eq 0 ]
}
