"""Train a quote classifier: ``python train.py [model=bert] [task=claim] [data=semeval2016]``.

Composes the Hydra config in ``conf/`` (validated by the dataclass schema) and calls
``quotestance.experiments.train.train``, which logs the run to MLflow.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import hydra
from omegaconf import DictConfig

from quotestance.errors import QuotestanceError
from quotestance.experiments.config import check_overrides, register_configs
from quotestance.log import setup_logging

register_configs()


@hydra.main(version_base="1.3", config_path="conf", config_name="train")
def main(cfg: DictConfig) -> float:
    from quotestance.experiments.train import train

    setup_logging(int(cfg.get("verbose", 0)), bool(cfg.get("quiet", False)))
    from quotestance.tracking import Interrupted

    try:
        metrics = train(cfg)
        # a sweeper's objective: chosen on dev, never on test
        return metrics.get("dev/macro_f1", metrics["test/macro_f1"])
    except (Interrupted, KeyboardInterrupt) as exc:
        print(f"error: {str(exc) or 'interrupted (Ctrl-C)'}", file=sys.stderr)
        sys.exit(130)
    except QuotestanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    try:
        check_overrides(sys.argv[1:])
    except QuotestanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    main()
