"""Rules-as-code engine for integrated eligibility and advice in the Dutch social domain.

    import datetime, engine
    advice = engine.advise(engine.profile_from_file(path), datetime.date(2026, 1, 15))
    print(advice.scheme("algemene_bijstand").status)

Pipeline: load (YAML -> specs) -> check -> compile (Plan) -> run (Trace) -> explain (Advice).
"""

from engine.api import ENGINE_VERSION, advise, check_rules, evaluate, load_plan
from engine.errors import EngineError, EvaluationError, ProfileError, RulesError
from engine.model.advice import Advice, SchemeAdvice
from engine.model.profile import Profile, profile_from_dict, profile_from_file
from engine.values import Unknown, is_unknown

__version__ = ENGINE_VERSION

__all__ = [
    "ENGINE_VERSION",
    "Advice",
    "EngineError",
    "EvaluationError",
    "Profile",
    "ProfileError",
    "RulesError",
    "SchemeAdvice",
    "Unknown",
    "__version__",
    "advise",
    "check_rules",
    "evaluate",
    "is_unknown",
    "load_plan",
    "profile_from_dict",
    "profile_from_file",
]
