"""The label sets, in one place. Their order is the order of model outputs and columns."""

from __future__ import annotations

STANCES: tuple[str, ...] = ("favor", "against", "neutral")
CLAIM_TYPES: tuple[str, ...] = ("fact", "opinion", "prediction", "appeal")
CHECKWORTHY: tuple[str, ...] = ("not_checkworthy", "checkworthy")
LABEL_SOURCES: tuple[str, ...] = ("gold", "weak", "none")

# task name -> (dataset column, labels)
TASKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "stance": ("stance", STANCES),
    "claim": ("claim_type", CLAIM_TYPES),
    "checkworthy": ("checkworthy", CHECKWORTHY),
}


def labels_for(task: str) -> tuple[str, ...]:
    if task not in TASKS:
        raise KeyError(f"unknown task {task!r}; expected one of {sorted(TASKS)}")
    return TASKS[task][1]


def id2label(task: str) -> dict[int, str]:
    return dict(enumerate(labels_for(task)))


def label2id(task: str) -> dict[str, int]:
    return {label: i for i, label in enumerate(labels_for(task))}
