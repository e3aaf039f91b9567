#!/usr/bin/env bash
# Creates the reference virtualenv: the real reference packages (lm-eval with IFEval's
# extras, math-verify, evalplus, transformers + torch CPU, scipy/statsmodels) pinned in
# requirements.txt beside this file, plus NLTK's punkt_tab data, all usable offline.
# Outside the product: nothing the harness builds or CI's default run needs comes from here.
#
# Location: $HARNESS_REFERENCE_VENV, default scripts/reference/.venv (ignored by git).
# Idempotent: a venv whose requirements stamp matches is reused as it is.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${HARNESS_REFERENCE_VENV:-$here/.venv}"
# Any CPython >= 3.10 from PATH; the sandbox keeps using Debian's /usr/bin/python3.
python="${HARNESS_REFERENCE_PYTHON:-python3}"

stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "reference venv up to date: $venv"
  exit 0
fi

"$python" -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -r "$here/requirements.txt"
# lm-eval's IFEval splits sentences with NLTK's punkt_tab (NLTK >= 3.9). NLTK's own
# download host is not reachable here, so the English tables come from the project's data
# dir (punkt_english/, see ../shared/datasets/PROVENANCE.md), in the punkt_tab layout.
data_dir="${HARNESS_DATA_DIR:-$here/../../../shared/datasets}"
punkt_src="$data_dir/punkt_english"
if [[ ! -f "$punkt_src/abbrev_types.txt" ]]; then
  echo "setup.sh: $punkt_src/abbrev_types.txt is missing: set HARNESS_DATA_DIR to the datasets folder that has punkt_english/" >&2
  exit 1
fi
mkdir -p "$venv/nltk_data/tokenizers/punkt_tab/english"
cp "$punkt_src"/*.txt "$punkt_src"/*.tab "$venv/nltk_data/tokenizers/punkt_tab/english/"
# Make the venv find it without NLTK_DATA being set by the caller.
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "import os; os.environ.setdefault('NLTK_DATA', '$venv/nltk_data')" > "$site/harness_nltk_data.pth"
echo "$want" > "$stamp"
# ARC / AIME / HumanEval extraction is omk's code from GitHub, not a package: see OMK_TASKS.md.
if [[ ! -d "$venv/omk_tasks" ]]; then
  echo "setup.sh: note: $venv/omk_tasks/ is absent; run.sh needs it for arc_challenge, aime2024 and humaneval(plus) (see scripts/reference/OMK_TASKS.md)" >&2
fi
echo "reference venv ready: $venv"
