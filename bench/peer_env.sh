# Sourced by the benchmarks: a Python virtualenv with the peers pinned as in
# ../shared/peers/README.md, created once outside the repository.
VENV=${WORDLENS_PEERS_VENV:-$HOME/.cache/wordlens-peers-venv}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import gensim, sklearn, fasttext' 2>/dev/null; then
  echo "setting up peers virtualenv in $VENV (once)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q gensim==4.4.0 scikit-learn==1.9.1 fasttext-wheel numpy scipy rank-bm25
fi
PY="$VENV/bin/python"
