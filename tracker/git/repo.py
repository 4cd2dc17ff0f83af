"""Reading a git repository with git itself (a subprocess): no library, and every failure a plain message.

Every git call of the tracker goes through ``Repository`` and its one runner, ``_run_git``, which sets
the environment (English messages, no prompt, no pager, no lock taken for reading) and a timeout, so
a git that hangs (on a slow network drive, say) becomes a message instead of a frozen page or command.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tracker.problems import Problem, TrackerError, display_path

# git's modes for a tree entry: a file (executable or not), a symbolic link (its blob holds the target's path), a folder.
REGULAR_MODES = ("100644", "100755")
LINK_MODE = "120000"
TREE_MODE = "040000"

GIT_TIMEOUT_SECONDS = 30.0  # the longest any one git call may take; reading a history takes well under a second


class GitError(TrackerError):
    """git is missing, the folder is not in a repository, or git refused: the message says which, plainly."""


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    email: str
    date: dt.datetime  # the author date, with the author's offset
    subject: str
    message: str

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True)
class Repository:
    """A git work tree, found from any folder inside it."""

    root: Path
    timeout: float | None = field(default=None, compare=False)  # seconds per git call; None: GIT_TIMEOUT_SECONDS

    @classmethod
    def containing(cls, path: Path, *, consequence: str = "so it has no history", timeout: float | None = None) -> Repository:
        """The repository holding ``path`` (a file or folder, which need not exist any more)."""
        folder = path if path.is_dir() else path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        try:
            out = _run_git(folder, ["rev-parse", "--show-toplevel"], timeout=timeout)
        except GitError as exc:
            if "not a git repository" in str(exc):
                raise GitError(f"{display_path(path)} is not inside a git repository, {consequence}") from None
            raise
        return cls(Path(out.decode("utf-8", "replace").strip()), timeout)

    def run(self, args: list[str], *, stdin: bytes | None = None) -> bytes:
        return _run_git(self.root, args, stdin=stdin, timeout=self.timeout)

    def relative(self, path: Path) -> str:
        """``path`` as git names it: relative to the root, with forward slashes."""
        absolute = path.resolve() if path.exists() else path.parent.resolve() / path.name
        try:
            return absolute.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            raise GitError(f"{display_path(path)} is outside the git repository at {display_path(self.root)}") from None

    def is_shallow(self) -> bool:
        return self.run(["rev-parse", "--is-shallow-repository"]).strip() == b"true"

    def shallow_boundary(self) -> set[str]:
        """The commits a shallow clone stops at (their parents are missing)."""
        if not self.is_shallow():
            return set()
        shallow_file = Path(self.run(["rev-parse", "--git-path", "shallow"]).decode().strip())
        if not shallow_file.is_absolute():
            shallow_file = self.root / shallow_file
        try:
            return set(shallow_file.read_text(encoding="ascii").split())
        except OSError:
            return set()

    def resolve(self, revision: str) -> Commit:
        """The commit a revision (branch, tag, sha, HEAD~2 ...) names; GitError when there is none."""
        if not revision.strip() or revision.startswith("-"):
            raise GitError(f"{revision!r} is not a revision; give a branch, a tag or a commit id")
        try:
            sha = self.run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"]).decode().strip()
        except GitError:
            sha = ""
        if not sha:
            hint = " (this is a shallow clone: older commits are missing; run git fetch --unshallow)" if self.is_shallow() else ""
            raise GitError(f"unknown revision {revision!r}: no such branch, tag or commit in the repository{hint}")
        return self.log([sha], max_count=1)[0][0]

    def log(self, args: list[str], *, max_count: int | None = None) -> list[tuple[Commit, list[str]]]:
        """Commits, newest first, each with the NUL-separated --name-status fields git gave (if asked for)."""
        limit = [f"--max-count={max_count}"] if max_count else []
        out = self.run(["log", "-z", "--no-color", "--no-show-signature", *limit, f"--format={_COMMIT_FORMAT}", *args])
        found = []
        for record in out.decode("utf-8", "replace").split("\x1e"):
            if not record.strip("\0\n"):
                continue
            head, _, tail = record.partition("\x1f\0")
            sha, author, email, date, subject, message = head.split("\x1f")[:6]
            commit = Commit(sha.strip(), author, email, dt.datetime.fromisoformat(date), subject, message.strip())
            found.append((commit, [field for field in tail.lstrip("\n").split("\0") if field]))
        return found

    def read_blobs(self, specs: list[str]) -> list[bytes | None]:
        """The content of each ``REV:PATH`` (None where there is no such file), read in one git process."""
        if not specs:
            return []
        out = self.run(["cat-file", "--batch"], stdin="".join(f"{spec}\n" for spec in specs).encode("utf-8"))
        found: list[bytes | None] = []
        pos = 0
        for _ in specs:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                found.append(out[pos : pos + size])
                pos += size + 1
            else:  # "<spec> missing", or a tree/commit where a file was expected
                if len(header) == 3:
                    pos += int(header[2]) + 1
                found.append(None)
        return found

    def files(self, commit: str, folder: str) -> dict[str, str]:
        """The entries directly inside ``folder`` at ``commit``: path (from the root) -> git's mode for it
        (REGULAR_MODES for a file, LINK_MODE for a symbolic link, TREE_MODE for a folder)."""
        prefix = folder.rstrip("/") + "/" if folder not in ("", ".") else ""
        out = self.run(["ls-tree", "-z", commit, "--", prefix or "."])
        found = {}
        for record in out.decode("utf-8", "replace").split("\0"):
            meta, _, name = record.partition("\t")  # "<mode> <type> <object>\t<path>"
            if name and "/" not in name[len(prefix) :]:
                found[name] = meta.split(" ", 1)[0]
        return dict(sorted(found.items()))

    def mode(self, commit: str, path: str) -> str | None:
        """git's mode for ``path`` at ``commit`` (see ``files``); None when there is no such entry."""
        out = self.run(["ls-tree", "-z", commit, "--", path.rstrip("/")])
        return out.split(b" ", 1)[0].decode("ascii") if out else None


def link_refused(spec: str) -> Problem:
    """A file committed as a symbolic link (its blob is the target's path, ``spec`` is REV:PATH): refused, as a link on disk is."""
    reason = "not read: it is a symbolic link in git, and the tracker reads only regular files (it never follows links)"
    return Problem(spec, 0, 0, f"{reason}; commit the file itself")


# Record separator, then fields separated by unit separators; git's -z adds a NUL after each record.
_COMMIT_FORMAT = "%x1e%H%x1f%aN%x1f%aE%x1f%aI%x1f%s%x1f%B%x1f"


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # Messages in English (we quote them), never a prompt or a pager, no lock taken for reading.
    env.update({"LC_ALL": "C", "LANGUAGE": "", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0"})
    return env


def _shown(args: list[str]) -> str:
    """The command as a message quotes it, a long argument (our --format=...) cut short."""

    def short(arg: str) -> str:
        if len(arg) <= 40:
            return arg
        option, equals, _ = arg.partition("=")
        return f"{option}=…" if equals and arg.startswith("-") else f"{arg[:40]}…"

    return " ".join(["git", *map(short, args)])


def _run_git(cwd: Path, args: list[str], *, stdin: bytes | None = None, timeout: float | None = None) -> bytes:
    """git ``args`` run in ``cwd`` -> its output; GitError with a plain message when git is missing,
    refuses, or does not answer within ``timeout`` seconds (None: GIT_TIMEOUT_SECONDS)."""
    seconds = GIT_TIMEOUT_SECONDS if timeout is None else timeout
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", *args],
            cwd=cwd,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,  # git never reads the terminal
            capture_output=True,
            env=_environment(),
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git did not answer within {seconds:g} s: {_shown(args)} in {display_path(cwd)}") from None
    except FileNotFoundError:
        if not cwd.is_dir():
            raise GitError(f"cannot run git in {display_path(cwd)}: there is no such folder") from None
        raise GitError("git is not installed (or not on PATH); it is needed to read the history of scenario files") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        first = next((line for line in message if line.startswith(("fatal:", "error:"))), message[0] if message else "failed")
        raise GitError(f"git {args[0]}: {first.removeprefix('fatal: ').removeprefix('error: ')}")
    return done.stdout
