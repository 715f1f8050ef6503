"""Hydra-configured experiments: data, models, training, evaluation, MLflow tracking."""
