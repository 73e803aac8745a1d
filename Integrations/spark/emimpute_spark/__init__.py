"""EMImpute on Apache Spark: the same estimates and completed rows as the local
`emimpute impute`, with every number computed by the emimpute binary (Docs/Spark.md)."""

from .driver import EMImputeSparkError, Options, Outcome, run
from .session import local_session

__all__ = ["EMImputeSparkError", "Options", "Outcome", "run", "local_session"]
