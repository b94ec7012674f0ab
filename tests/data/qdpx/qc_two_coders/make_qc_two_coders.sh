#!/usr/bin/env bash
# Make qc_two_coders.qdpx from scratch with qc ("qualitative-coding" 1.7.8, AGPL-3.0):
# a qc project with one synthetic focus-group transcript, a nested codebook, two coders
# who each code the transcript line by line with qc's own `qc code` command, exported
# with qc's own REFI-QDA writer (`qc export`). Documented in README.md; the tests use
# the vendored file and do not run this script.
#
#   python3.11 -m venv /tmp/qcenv && /tmp/qcenv/bin/pip install qualitative-coding==1.7.8
#   PATH=/tmp/qcenv/bin:$PATH tests/data/qdpx/qc_two_coders/make_qc_two_coders.sh
#
# `qc code CODER` writes the coder's codes file (one line per transcript line) and opens
# an editor on it; here the "editor" (qc's `editors` setting) copies in the codes that
# coder gave each line, from $QC_CODES. qc's own GUIDs are digests of names, so a
# rerun with the same qc version gives the same project.qde (the zip's timestamps differ).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ "$(qc version)" = "qualitative-coding 1.7.8" ] || { echo "qc 1.7.8 is needed (found: $(qc version))" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > settings.yaml <<'YAML'
qc_version: 1.7.8
corpus_dir: corpus
database: qualitative_coding.sqlite3
memos_dir: memos
codebook: codebook.yaml
log_file: qualitative_coding.log
verbose: false
editor: scripted
editors:
  scripted:
    name: codes from $QC_CODES
    code_command: 'cp "$QC_CODES" "{codes_file_path}"'
    memo_command: 'true'
YAML
qc init

# A synthetic focus-group transcript: a speaker label starts each turn; two turns run
# over two lines; one non-ASCII letter (positions are counted in characters). The
# verbatim importer keeps the lines as they are (qc's default, pandoc, rewraps them).
cat > focus_group_riverside.txt <<'TXT'
Moderator: Welcome, everyone. What has changed in how the service is run since the partnership began?
P1: The biggest change is that we plan the sessions together with the parents' group now.
Before that, the council decided and we delivered.
P2: For me it is the money. The grant runs for one year, so every plan is a short-term plan.
We cut the evening café to save costs, and that hurt the families who work days.
Moderator: Who finds it hardest to take part?
P3: Families without a car. The new site is out of town and the last bus leaves at six.
So the people who most need the service are the ones least able to reach it.
P1: The training helped though. Staff learned how to run a meeting where residents lead.
P4: I agree about the training, but half of the trained staff have left since.
Moderator: What would you keep if you could keep one thing?
P2: The joint planning meetings with the housing association.
P4: The coordinator. Without that post nobody would know who does what.
P3: Honestly, the café. It was where the quieter parents spoke up.
TXT
qc corpus import --importer verbatim focus_group_riverside.txt

cat > codebook.yaml <<'YAML'
- barriers:
  - short_term_funding
  - staff_turnover
- risks:
  - inequality
- strengths:
  - codesign
  - coordinator
  - partnerships
  - training
YAML

# Each coder's codes, one line per transcript line (line 1 is the moderator's welcome).
# They agree on some lines and differ on others; both code several of the same lines,
# so their selections of those lines overlap.
cat > coder_1.codes <<'TXT'

codesign
codesign
short_term_funding
short_term_funding, inequality

inequality
inequality
training
training, staff_turnover

partnerships
coordinator
inequality
TXT
cat > coder_2.codes <<'TXT'

codesign

short_term_funding
inequality

inequality

training
staff_turnover

partnerships, codesign
coordinator

TXT
QC_CODES="$work/coder_1.codes" qc code qc_coder_1 -p focus_group_riverside.txt
QC_CODES="$work/coder_2.codes" qc code qc_coder_2 -p focus_group_riverside.txt
qc codebook
qc export "$work/qc_two_coders.qdpx"
cp "$work/qc_two_coders.qdpx" "$here/qc_two_coders.qdpx"
echo "wrote $here/qc_two_coders.qdpx"
