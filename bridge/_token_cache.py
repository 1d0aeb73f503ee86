"""msal's token cache, kept in memory or persisted to one file (0600, folder 0700)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Optional

from ._exception_seam import map_exceptions

__all__ = ["TokenCacheFile"]


class TokenCacheFile:
    """msal's SerializableTokenCache, loaded from and saved to one file (0600)."""

    def __init__(self, path: Optional[str]) -> None:
        import msal

        self.cache = msal.SerializableTokenCache()
        self.path = Path(path).expanduser() if path else None
        self._lock = threading.Lock()
        if self.path is not None and self.path.exists():
            os.chmod(self.path, 0o600)  # tighten a file created by someone else's umask
            with map_exceptions("token cache", auth=True):
                self.cache.deserialize(self.path.read_text(encoding="utf-8"))

    def save(self) -> None:
        """Write the cache if it changed (atomically, 0600); nothing for an in-memory cache."""
        if self.path is None or not self.cache.has_state_changed:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_name(self.path.name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.cache.serialize())
            os.replace(tmp, self.path)
            self.cache.has_state_changed = False

    def clear_client(self, client_id: str) -> None:
        """Drop every token and account this client put in the cache."""
        cache = self.cache
        kinds = cache.CredentialType
        for entry in cache.find(kinds.ACCESS_TOKEN, query={"client_id": client_id}):
            cache.remove_at(entry)
        for entry in cache.find(kinds.REFRESH_TOKEN, query={"client_id": client_id}):
            cache.remove_rt(entry)
        for entry in cache.find(kinds.ID_TOKEN, query={"client_id": client_id}):
            cache.remove_idt(entry)
        self.save()
