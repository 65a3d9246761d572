"""Export a vault to Anki, import it with Anki's own library, export it back from Anki and
import that into a copy of the vault: what arrives in Anki, and that nothing is duplicated.

Usage: python benchmarks/bench_anki_roundtrip.py VAULT   (needs the `anki` package: the test extra)

Prints the export time, the notes, review cards, cards with an FSRS memory state and revlog rows
Anki received, and what importing Anki's own re-export into a copy of the vault added (it
should add no notes and no reviews).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    from anki.collection import (
        Collection,
        DeckIdLimit,
        ExportAnkiPackageOptions,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    vault = Path(sys.argv[1]).resolve()
    work = Path(tempfile.mkdtemp(prefix="studycards-anki-bench-"))
    package = work / "out.apkg"
    start = time.perf_counter()
    command = ["studycards", "--vault", str(vault), "export", "anki", str(package)]
    subprocess.run(command, check=True, capture_output=True)
    exported = time.perf_counter() - start
    col = Collection(str(work / "collection.anki2"))
    options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))
    review = col.find_cards("is:review")
    memory = sum(1 for cid in review if col.get_card(cid).memory_state is not None)
    revlog = col.db.scalar("select count() from revlog")
    print(f"export {exported:.2f} s; Anki received {col.note_count()} notes, {len(review)} review")
    print(f"cards ({memory} with an FSRS memory state), {revlog} revlog rows")
    back = work / "back.apkg"
    col.export_anki_package(
        out_path=str(back),
        options=ExportAnkiPackageOptions(with_scheduling=True),
        limit=DeckIdLimit(col.decks.id("studycards")),
    )
    col.close()
    copy = work / "vault"
    shutil.copytree(vault, copy)
    start = time.perf_counter()
    command = ["studycards", "--vault", str(copy), "import", "anki", str(back)]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    print(
        f"import of Anki's re-export {time.perf_counter() - start:.2f} s: {result.stdout.strip()}"
    )
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
