"""Reading input files within bounds, and writing output files so that nothing is lost and
nothing half-written looks finished.

Every file the engine reads whole (a profile, a rules file, an advice to replay) is read by
`read_bytes`: a regular file only (a FIFO would hang, /dev/zero would fill the memory, also
behind a link) and at most a stated number of bytes.

Every file the engine writes (batch results, populations, reports, a saved intake, JUnit XML)
goes through `atomic_path`: it is written to a private temporary file in the target folder (a
random name made with O_EXCL, so no one can put a link there beforehand), flushed to disk, and
only then renamed onto the target. An interrupted run, a full disk or a failed write leaves the
target as it was; two runs writing the same target each leave a whole file, the last one wins.
A failure to write is an `OutputError` that names the file, never the data.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from engine.errors import EngineError


def read_bytes(path: Path | str, limit: int) -> bytes:
    """A regular file's content, if it is at most `limit` bytes. Anything else raises OSError
    with a readable `strerror`, as a missing file does."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer; the open file is checked, not the
    # name, so a link swapped in between cannot slip past
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file")
        data = file.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"the file is larger than {limit} bytes")
    return data


class OutputError(EngineError):
    """An output could not be written (a full disk, a folder that is not writable)."""


@contextlib.contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """A private temporary path beside `target` to write to; moved onto `target` when the
    block completes and its content is on disk, removed when it does not."""
    target = Path(target)
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent or "."
        )
    except OSError as exc:
        raise OutputError(f"cannot write '{target}': {exc.strerror}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        _sync(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"cannot write '{target}': {exc.strerror}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text(target: Path | str, text: str) -> None:
    """A whole text file, written atomically (UTF-8)."""
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8")


def _sync(path: Path) -> None:
    """Flush a written file to disk: a full disk may only say so here (delayed allocation)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def finish_stdout() -> None:
    """Flush standard output and, when it is a file, get it onto disk, so that a short write
    (a full disk) is an error here rather than a cut-off advice and exit 0."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader went away: the command line's own concern
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror}") from None
    try:
        handle = sys.stdout.fileno()
        regular = stat.S_ISREG(os.fstat(handle).st_mode)
    except (AttributeError, ValueError, OSError):
        return  # not a file descriptor (a test's capture): nothing to get onto disk
    if regular:
        try:
            os.fsync(handle)
        except OSError as exc:
            raise OutputError(f"cannot write the output: {exc.strerror}") from None


# Write errors that say the environment is at fault (a full disk, a quota, a broken device).
ENVIRONMENT_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})
