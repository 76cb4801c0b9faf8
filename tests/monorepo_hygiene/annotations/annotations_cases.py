"""Sources the `-> None` fix must leave to a human, each as one file: the fixer tests check each
is left alone with its reason, and the mypy test that a naive `-> None` there is a type error."""

from __future__ import annotations

# Each file holds one case the fix must not touch, and shows why: a use that a naive `-> None`
# turns into a type error. `jobs.py`'s subclasses live in `report.py`, out of the fixer's sight.
LEFT_FOR_HUMANS = {
    "overload.py": """
        from typing import overload

        @overload
        def load(key: int) -> int: ...
        @overload
        def load(key: str) -> str: ...
        def load(key):
            print(key)
        """,
    "jobs.py": """
        import abc

        class Job(abc.ABC):
            @abc.abstractmethod
            def run(self):
                print("subclasses return their result")
        """,
    "report.py": """
        from jobs import Job

        class Report(Job):
            def run(self) -> int:
                return 1
        """,
    "protocol.py": """
        from typing import Protocol

        class Runner(Protocol):
            def run(self):
                print("implementations return a value")

        class Counter:
            def run(self) -> int:
                return 1

        runner: Runner = Counter()
        """,
    "dunders.py": """
        class Point:
            def __str__(self):
                print("point")

            def __eq__(self, other):
                print(other)

            def __len__(self):
                print("no length")

        size: int = len(Point())
        """,
    "conditional_variants.py": """
        import os

        if os.environ.get("QUIET"):

            def notify(message):
                print(message)

        else:

            def notify(message):
                return len(message)
        """,
    "override_unknown_base.py": """
        import logging

        class Formatter(logging.Formatter):
            def format(self, record):
                print(record)
        """,
    "override_base.py": """
        class Job:
            def run(self) -> int:
                return 0

        class Report(Job):
            def run(self):
                print("done")
        """,
    "override_subclass.py": """
        class Job:
            def run(self):
                print("done")

        class Report(Job):
            def run(self) -> int:
                return 0
        """,
    "common_subclass.py": """
        class Logged:
            def run(self):
                print("done")

        class Counted:
            def run(self) -> int:
                return 0

        class Report(Logged, Counted):
            pass
        """,
    # Names a stdlib base declares with another type (typeshed: `Handler.format -> str`,
    # `JSONEncoder.encode -> str`, `Thread.name: str`).
    "stdlib_declared.py": """
        import json
        import logging
        from threading import Thread

        class Quiet(logging.Handler):
            def format(self, record):
                print(record)

        class Encoder(json.JSONEncoder):
            def encode(self, o):
                print(o)

        class Worker(Thread):
            def name(self):
                print("worker")
        """,
}
