"""A Hydra callback that opens one MLflow parent run per sweep (``-m``) and closes it at the
end; each job finds the parent in the sweep folder and logs itself as its child."""

from __future__ import annotations

from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from quotestance.tracking import end_parent, start_parent


def experiment_name(cfg: Any) -> str:
    return str(cfg.tracking.experiment or f"quotestance-{cfg.task.name}-{cfg.data.name}")


class MlflowSweepCallback(Callback):
    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        overrides = " ".join(config.hydra.overrides.task)
        start_parent(
            config.tracking,
            experiment_name(config),
            config.hydra.sweep.dir,
            name=f"sweep {overrides}".strip(),
        )

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        end_parent(config.tracking, config.hydra.sweep.dir)
