"""Loading and validation: files to a :class:`~achlab.model.Case`, scenario overrides applied.

One reader per file kind (:mod:`~achlab.load.csvfile`, :mod:`~achlab.load.yamlfile`: keys and
ids as written, duplicate keys refused), the parsers they share (:mod:`~achlab.load.parse`), the
declared shape of the YAML files (:mod:`~achlab.load.schema`), then the files built on them: a
case folder (:mod:`~achlab.load.case`), a scenario (:mod:`~achlab.load.scenario`), analysts'
ratings (:mod:`~achlab.load.analysts`) and indicators (:mod:`~achlab.load.indicators`). Every
problem is reported as ``path:line: field: message``; input files are only ever opened for
reading.
"""

from achlab.load.case import case_dir, load_case
from achlab.load.scenario import load_scenario, resolve, validate_everything

__all__ = ["case_dir", "load_case", "load_scenario", "resolve", "validate_everything"]
