"""The spaCy ceiling: bare `nlp.pipe` over a folder of texts, in a fresh process.

    python -m bench.ceiling TEXT_DIR N_PROCESS [BATCH_SIZE]

Same model and enabled components as the pipeline (`pipeline.nlp.model.load_nlp()`).
Model loading in this process is not timed; starting the `n_process` workers is,
as the pipeline's extract stage pays for its worker processes too. Prints JSON.

The batch size is in documents. spaCy deals whole batches to its workers in
turn, so the model's default (1,000) would hand all 1,000 documents to one
worker and leave the other idle; 16 keeps every worker busy to the end.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

BATCH_SIZE = 16


def main(argv: list[str]) -> int:
    folder, n_process = Path(argv[0]), int(argv[1])
    batch_size = int(argv[2]) if len(argv) > 2 else BATCH_SIZE
    from pipeline.nlp.model import load_nlp

    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    nlp = load_nlp()
    started = time.perf_counter()
    tokens = 0
    for doc in nlp.pipe(texts, n_process=n_process, batch_size=batch_size):
        tokens += len(doc)
    seconds = time.perf_counter() - started
    words = sum(len(t.split()) for t in texts)
    print(
        json.dumps(
            {
                "texts": len(texts),
                "words": words,
                "tokens": tokens,
                "seconds": seconds,
                "n_process": n_process,
                "batch_size": batch_size,
                "components": nlp.pipe_names,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
