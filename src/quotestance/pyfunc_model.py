"""The pyfunc model as code (MLflow "models from code"): logged by path, so loading it runs
this file instead of unpickling an object."""

import mlflow

from quotestance.artifact import QuotestancePyfunc

mlflow.models.set_model(QuotestancePyfunc())
