"""Inputs the fuzz and redaction tests start from: the snapshot fixtures, the real-looking
pasted reports of the triage tests, and secrets of every known shape."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import List, Tuple

TESTS = Path(__file__).resolve().parent.parent
SNAPSHOTS = sorted((TESTS / "data" / "snapshots").glob("*.json"))


def pasted_samples() -> List[str]:
    """The real-looking reports the triage tests are written with."""
    texts: List[str] = []
    for name in ("triage_samples", "generalisation_samples"):
        spec = importlib.util.spec_from_file_location(f"fuzz_{name}", TESTS / "triage" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
        spec.loader.exec_module(module)
        samples = module.SAMPLES
        if isinstance(samples, dict):
            texts.extend(sample.text for sample in samples.values())
        else:
            texts.extend(text for _, text, _ in samples)
    return texts


# (a line as it would be pasted, the secret in it). The tokens are made up, in the shape
# each service issues: prefix, length and alphabet.
PLANTED: List[Tuple[str, str]] = [
    ("HF_TOKEN=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", "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"),
    ("  token: hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567", "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567"),
    ("WANDB_API_KEY=5f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6", "5f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"),
    ("machine api.wandb.ai\n  login user\n  password 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
     "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"),
    ("NGC_API_KEY=nvapi-Xy7_Qw3-Er5Ty8Ui9Op0As1Df2Gh3Jk4Lz5Xc6Vb7Nm8", "nvapi-Xy7_Qw3-Er5Ty8Ui9Op0As1Df2Gh3Jk4Lz5Xc6Vb7Nm8"),
    ("export OPENAI_API_KEY=sk-proj-AbCdEf0123456789GhIjKlMnOpQrStUvWx", "sk-proj-AbCdEf0123456789GhIjKlMnOpQrStUvWx"),
    ("openai.api_key = 'sk-T3BlbkFJq1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h'", "sk-T3BlbkFJq1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h"),
    ("ANTHROPIC_API_KEY=sk-ant-api03-Zx9Cv8Bn7Mm6Aa5Ss4Dd3Ff2Gg1Hh0JjKk", "sk-ant-api03-Zx9Cv8Bn7Mm6Aa5Ss4Dd3Ff2Gg1Hh0JjKk"),
    ("aws_access_key_id = AKIAQ3EGUUGYRTZ7WXK4", "AKIAQ3EGUUGYRTZ7WXK4"),
    ("aws_secret_access_key = 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", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8pLmN2vT"),
    ("AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH"),
    ("GITHUB_TOKEN=ghp_R2d2C3poB1b2Fett4Chewie5Han6Solo7Leia", "ghp_R2d2C3poB1b2Fett4Chewie5Han6Solo7Leia"),
    ("git clone https://github_pat_11ABCDEFG0aBcDeFgHiJkL_MnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOp@github.com/o/r",
     "github_pat_11ABCDEFG0aBcDeFgHiJkL_MnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOp"),
    ("gho_16C7e42F292c6912E7710c838347Ae178B4a", "gho_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("CI_JOB_TOKEN glpat-Xk4Lm9Nq2Rs7Tv1Wy3Za", "glpat-Xk4Lm9Nq2Rs7Tv1Wy3Za"),
    ("SLACK_BOT_TOKEN=xoxb-2048000000-4096000000-AbCdEfGhIjKlMnOpQrSt", "xoxb-2048000000-4096000000-AbCdEfGhIjKlMnOpQrSt"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
     "-----END OPENSSH PRIVATE KEY-----",
     "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n"
     "-----END RSA PRIVATE KEY-----",
     "MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw"),
    ("DATABASE_URL=postgres://trainer:Pg-S3cret-Pw@db.internal:5432/runs", "Pg-S3cret-Pw"),
    ("PIP_INDEX_URL=https://deploy:Idx-Pa55word@pypi.corp.example/simple", "Idx-Pa55word"),
    ("pip install --extra-index-url https://__token__:pypi-AgEIcHlwaS5vcmcCJGE0ZmQ4ZjI3LTRlNjktNDk5Ni04ZWNhLWE2YjE3YjI3ZGQ5NgACKlsz@pypi.org/simple x",
     "pypi-AgEIcHlwaS5vcmcCJGE0ZmQ4ZjI3LTRlNjktNDk5Ni04ZWNhLWE2YjE3YjI3ZGQ5NgACKlsz"),
    ("  - https://conda.anaconda.org/t/ab-7f3c9e2d-41b5/private-channel", "ab-7f3c9e2d-41b5"),
    ("proxy_servers:\n  https: http://corp%5Cuser:Pr0xy-Pass@proxy.corp:3128", "Pr0xy-Pass"),
    ("MY_SERVICE_SECRET=\"a b c d secret value\"", "a b c d secret value"),
    ("DB_PASSWORD='Hunter2-Hunter2'", "Hunter2-Hunter2"),
    ("PGPASSWORD=Qx8-Zz9-Yy7", "Qx8-Zz9-Yy7"),
    ("COMET_API_KEY: kL9mN8bV7cX6zA5sD4fG3hJ2", "kL9mN8bV7cX6zA5sD4fG3hJ2"),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dGhpcyBpcyBub3QgYSBzaWc", "dGhpcyBpcyBub3QgYSBzaWc"),
    ("huggingface-cli login --token hf_LoginFlagTokenAbCdEfGhIjKlMnOpQr", "hf_LoginFlagTokenAbCdEfGhIjKlMnOpQr"),
    ('{"private_key_id": "1a2b3c", "client_secret": "GOCSPX-Abc123Def456Ghi789"}', "GOCSPX-Abc123Def456Ghi789"),
]


def leaked(text: str) -> List[str]:
    """The planted secrets that appear in ``text``."""
    return [secret for _, secret in PLANTED if secret in text]
