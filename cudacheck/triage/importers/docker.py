"""``docker run`` / ``podman run`` / ``nvidia-docker run`` lines (also continued over
several lines with ``\\``), docker compose GPU keys, and the NGC container banner.

A ``docker run`` line is evidence that the program ran in a container and tells how it
was started: ``--gpus``, ``--runtime=nvidia``, ``--shm-size``, ``--ipc=host``, ``-e
NVIDIA_VISIBLE_DEVICES=…`` and the image, whose tag may name torch's and CUDA's versions.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional

from ...policy import parse_size
from ...snapshot import ShmFacts
from ..document import Document
from ..facts import REPORTED, TOOL, Facts, TorchClaim
from ..images import image_facts, looks_like_gpu_image, ngc_cuda
from ...observations import Obs
from ...lazy_regex import lazy_compile

_RUN = lazy_compile(r"(?:^|[\s$#>`(]|^\S*@\S*[$#]\s*)(?P<tool>nvidia-docker2?|docker|podman|sudo docker|sudo podman)"
                  r"(?:\s+container)?\s+(?P<verb>run|create)\b(?P<rest>.*)$", re.IGNORECASE)
# Options of `docker run` that take a value (the next token when not written as --opt=value).
_VALUE_OPTIONS = {
    "-a", "--attach", "--add-host", "--blkio-weight", "--cap-add", "--cap-drop", "--cgroup-parent", "--cgroupns",
    "--cidfile", "--cpu-period", "--cpu-quota", "--cpu-shares", "-c", "--cpus", "--cpuset-cpus", "--cpuset-mems",
    "--device", "--device-cgroup-rule", "--dns", "--dns-option", "--dns-search", "--entrypoint", "-e", "--env",
    "--env-file", "--expose", "--gpus", "--group-add", "--health-cmd", "--health-interval", "--health-retries",
    "--health-start-period", "--health-timeout", "-h", "--hostname", "--ip", "--ip6", "--ipc", "--isolation",
    "-l", "--label", "--label-file", "--link", "--log-driver", "--log-opt", "--mac-address", "-m", "--memory",
    "--memory-reservation", "--memory-swap", "--mount", "--name", "--network", "--net", "--network-alias",
    "--pid", "--pids-limit", "--platform", "-p", "--publish", "--pull", "--restart", "--runtime",
    "--security-opt", "--shm-size", "--stop-signal", "--stop-timeout", "--storage-opt", "--sysctl", "--tmpfs",
    "-u", "--user", "--ulimit", "--userns", "--uts", "-v", "--volume", "--volume-driver", "--volumes-from",
    "-w", "--workdir", "--annotation", "--hooks-dir", "--secret", "--userns-remap",
}


def parse(document: Document, facts: Facts) -> None:
    """docker run lines, compose keys and the NGC banner."""
    for index in document.lines_with_any(("docker run", "docker container run", "podman run", "docker create",
                                          "nvidia-docker")):
        text = document.line(index)
        match = _RUN.search(text)
        if not match or _recommended(document, index):
            continue
        rest = match.group("rest")
        follow = index
        while rest.rstrip().endswith(("\\", "`", "^")) and follow + 1 < len(document) and follow - index < 40:
            follow += 1
            rest = rest.rstrip()[:-1] + " " + document.line(follow).strip()
        shown = text if follow == index else f"{text[:match.start('rest')].strip()} {rest.strip()}"
        _docker_run(facts, match.group("tool").lower(), rest, re.sub(r"\s+", " ", shown), document.number(index))
    _compose(document, facts)
    _ngc_banner(document, facts)
    _cuda_images_named(document, facts)
    _required_cuda(document, facts)
    for index in document.lines_with_any(("run ", "docker build", "buildx build", "failed to solve", "podman build")):
        if _IMAGE_BUILD.search(document.line(index)):
            facts.observe(Obs.IMAGE_BUILD, document.line(index), document.number(index))
            break
    _build_time(document, facts)


_BUILD_TIME = lazy_compile(
    r"\b(?:at|during|in|while|on)\s+(?:the\s+)?(?:(?:docker|image|container|compose)\s+)?build(?:ing)?[- ]?"
    r"(?:time|process|stage|phase|step)s?\b|\b(?:during|while|when)\s+(?:the\s+)?(?:docker|image|container)\s+"
    r"build|\bduring\s+(?:the\s+)?build\b|\bbuild[- ]time\b|\b(?:docker|podman)[- ]compose\s+(?:up\s+)?--build\b|"
    r"\bdocker\s+compose\s+(?:up\s+)?--build\b|构建(?:镜像)?(?:时|的时候|过程)", re.IGNORECASE)
"""The report speaking of the time a container image is built ("GPU not detected during build time",
"docker-compose up --build")."""
_NOT_FOUND_WORDS = lazy_compile(r"\b(?:not|no|false|fails?|failed|unable|cannot|without|need|needs|required?)\b|"
                                r"n't\b|不|没", re.IGNORECASE)
_GPU_WORDS = ("gpu", "cuda", "nvidia", "driver", "device", "显卡")


def _build_time(document: Document, facts: Facts) -> None:
    """The build time of an image spoken of where the paste is about containers: a situation, and where the same
    line says the GPU or CUDA is not found (or is needed) then, that finding."""
    if not any(document.has(word) for word in ("docker", "container", "podman", "image")):
        return
    for index in document.lines_with_any(("build", "构建"), distinct=True):
        text = document.line(index)
        if not _BUILD_TIME.search(text):
            continue
        facts.observe(Obs.IMAGE_BUILD, text, document.number(index))
        lower = document.lower[index]
        if any(word in lower for word in _GPU_WORDS) and _NOT_FOUND_WORDS.search(text):
            facts.observe(Obs.BUILD_WITHOUT_GPU, text, document.number(index))
            return


_IMAGE_BUILD = lazy_compile(r"^\s*(?:Step\s+\d+/\d+\s*:\s*RUN\b|#\d+\s+\[[^\]\n]*?\d+/\d+\]\s+RUN\b)|"
                            r"\b(?:docker|podman)\s+(?:buildx\s+)?build\s|\bERROR: failed to solve:",
                            re.IGNORECASE)
"""A container image being built: its steps run without the GPU, which the NVIDIA runtime gives only to containers."""


def _old_compose(document: Document, facts: Facts) -> None:
    """A docker-compose version before 1.28 in a paste whose compose file reserves GPUs: it ignores or rejects them."""
    if not any(document.has(key) for key in ("driver: nvidia", "capabilities: [gpu]", "capabilities: [\"gpu\"]")):
        return
    for index in document.lines_with("docker-compose"):
        if _OLD_COMPOSE.search(document.line(index)):
            facts.observe(Obs.COMPOSE_TOO_OLD, document.line(index), document.number(index))
            return


def _recommended(document: Document, index: int) -> bool:
    """Whether a docker run line is one a banner recommends (NGC's "NVIDIA recommends the use of the following
    flags:"), not the command that started the container."""
    previous = document.previous_nonblank(index)
    return previous is not None and "recommends the use of the following flags" in document.lower[previous]


_TOKEN = lazy_compile(r"""(?:[^\s"']+|"[^"]*"?|'[^']*'?)+""")


def tokens(text: str) -> List[str]:
    """Shell-like words of a command line (quotes removed), without shlex's per-character cost."""
    return [re.sub(r"""["']""", "", token) for token in _TOKEN.findall(text[:4096])]


def _last(options: Dict[str, List[str]], name: str) -> Optional[str]:
    """The value of an option given last (Docker keeps the last), or None."""
    values = options.get(name)
    return values[-1] if values else None


def _docker_run(facts: Facts, tool: str, rest: str, line_text: str, line: int) -> None:
    words = tokens(rest)
    options: Dict[str, List[str]] = {}
    image: Optional[str] = None
    position = 0
    while position < len(words):
        token = words[position]
        if token.startswith("--") and "=" in token:
            name, value = token.split("=", 1)
            options.setdefault(name, []).append(value)
        elif token.startswith("-") and token != "-":
            if token in _VALUE_OPTIONS and position + 1 < len(words):
                options.setdefault(token, []).append(words[position + 1])
                position += 1
            elif re.match(r"^-[a-zA-Z]*[ehvpwmu]$", token) and len(token) > 2 and position + 1 < len(words):
                # combined short flags ending with one that takes a value: -itv /data:/data
                options.setdefault("-" + token[-1], []).append(words[position + 1])
                position += 1
            else:
                options.setdefault(token, []).append("")
        else:
            image = token
            break
        position += 1
    env: Dict[str, str] = {}
    for item in options.get("-e", []) + options.get("--env", []):
        if "=" in item:
            key, value = item.split("=", 1)
            env[key] = value
    gpus = _last(options, "--gpus")
    runtime = _last(options, "--runtime")
    devices = options.get("--device", [])
    shm = _last(options, "--shm-size")
    ipc = _last(options, "--ipc")
    nvidia_docker = tool.startswith("nvidia-docker")
    granted = bool(gpus) or (runtime or "").lower() == "nvidia" or nvidia_docker or "NVIDIA_VISIBLE_DEVICES" in env
    device_nodes = any("nvidia" in d for d in devices)  # the nodes, but not the driver libraries
    facts.observe(Obs.DOCKER_RUN, line_text, line, tool=tool, gpus=gpus, runtime=runtime, shm_size=shm, ipc=ipc,
                  image=image, gpu_access="yes" if granted else "devices" if device_nodes else "no",
                  nvidia_visible_devices=env.get("NVIDIA_VISIBLE_DEVICES"),
                  devices=",".join(devices) or None, privileged="yes" if "--privileged" in options else None,
                  gpu_image="yes" if looks_like_gpu_image(image) else None)
    facts.seen("docker_run")
    facts.set(lambda s: s.container.in_container, True, REPORTED)
    facts.set(lambda s: s.container.runtime, "podman" if "podman" in tool else "docker", REPORTED)
    facts.set(lambda s: s.container.gpus_flag, gpus, TOOL)
    if ipc is not None:
        facts.set(lambda s: s.container.ipc_host, ipc.lower() == "host", TOOL)
    if shm:
        try:
            facts.set(lambda s: s.container.shm, ShmFacts(exists=True, size_bytes=parse_size(shm, "--shm-size")), TOOL)
        except Exception:  # an unparseable size is just not a fact
            pass
    for key, value in env.items():
        facts.env(key, value, TOOL)
    if image:
        facts.set(lambda s: s.container.image, image, TOOL)
        _image(facts, image, line)


def _image(facts: Facts, image: str, line: int) -> None:
    info = image_facts(image)
    if info.torch_version:
        facts.add_torch(TorchClaim(kind="image", source=f"image {image}", version=info.torch_version,
                                   cuda=info.torch_cuda, line=line))
    if info.cuda or info.ngc_release:
        facts.observe(Obs.IMAGE_CUDA, image, line, image=image, cuda=info.cuda, ngc_release=info.ngc_release,
                      requires="yes" if info.requires_cuda else None)


_OLD_COMPOSE = lazy_compile(r"\bdocker-compose(?:\s+version)?\s+v?1\.(?:1\d|2[0-7]|\d)\.\d+", re.IGNORECASE)
"""docker-compose before 1.28, which knows no GPU device reservations (`deploy.resources.reservations.devices`)."""


def _compose(document: Document, facts: Facts) -> None:
    if not document.has("services:"):
        return
    _old_compose(document, facts)
    services = document.lines_with("services:")
    image_lines = document.lines_with_any(("image:", "build:"))
    gpu_keys = document.lines_with_any(("runtime: nvidia", "driver: nvidia", "nvidia.com/gpu", "gpus:")) + \
        [i for i in document.lines_with("capabilities:") if "gpu" in document.lower[i]]
    if services and image_lines and not gpu_keys and re.match(r"^\s*services:\s*$", document.line(services[0])):
        # a compose service that asks for no GPU: the container gets none
        facts.observe(Obs.CONTAINER_MARKER, document.line(services[0]), document.number(services[0]),
                      runtime="compose", gpu_access="no")
        facts.set(lambda s: s.container.in_container, True, REPORTED)
    for index in document.lines_with_any(("runtime: nvidia", "capabilities:", "driver: nvidia", "shm_size:",
                                          "ipc: host", "image:", "nvidia.com/gpu")):
        text = document.line(index).strip().lower()
        line = document.number(index)
        if text.startswith(("runtime: nvidia", "driver: nvidia")) or "nvidia.com/gpu" in text or \
                (text.startswith("capabilities:") and "gpu" in text):
            facts.observe(Obs.COMPOSE_GPU, document.line(index), line)
            facts.set(lambda s: s.container.in_container, True, REPORTED)
        elif text.startswith("shm_size:"):
            value = text.split(":", 1)[1].strip().strip("'\"")
            try:
                facts.set(lambda s: s.container.shm, ShmFacts(exists=True, size_bytes=parse_size(value, "shm_size")), TOOL)
            except Exception:
                pass
        elif text.startswith("ipc: host"):
            facts.set(lambda s: s.container.ipc_host, True, TOOL)
        elif text.startswith("image:"):
            image = document.line(index).strip()[6:].strip().strip("'\"")
            if image and facts.set(lambda s: s.container.image, image, REPORTED):
                _image(facts, image, line)


_CUDA_IMAGE = lazy_compile(r"(?<![\w./-])(?P<image>(?:nvcr\.io/nvidia/[\w.-]+|(?:docker\.io/)?nvidia/cuda):[\w.-]*\d[\w.-]*)",
                         re.IGNORECASE)


def _cuda_images_named(document: Document, facts: Facts) -> None:
    """A CUDA image named outside a start command (a Dockerfile's FROM, a sentence, a title line): its CUDA, when no
    start command or compose file named the image already."""
    if facts.observed(Obs.IMAGE_CUDA):
        return
    for index in document.lines_with_any(("nvcr.io/nvidia/", "nvidia/cuda:")):
        match = _CUDA_IMAGE.search(document.line(index))
        info = image_facts(match.group("image")) if match else None
        if info is not None and (info.cuda or info.ngc_release):
            facts.observe(Obs.IMAGE_CUDA, document.line(index), document.number(index), image=info.image,
                          cuda=info.cuda, ngc_release=info.ngc_release, requires="yes" if info.requires_cuda else None,
                          source="named")
            return


_REQUIRED_CUDA = lazy_compile(r"--require=['\"]?cuda\s*>=?\s*(?P<cuda>\d+\.\d+)")


def _required_cuda(document: Document, facts: Facts) -> None:
    """The CUDA of the image the NVIDIA container toolkit checks, from its own command line
    (``nvidia-container-cli … --require=cuda>=10.0 brand=tesla,…``), when no image named it already."""
    if facts.observed(Obs.IMAGE_CUDA):
        return
    for index in document.lines_with("--require=", distinct=True):
        match = _REQUIRED_CUDA.search(document.line(index))
        if match:
            facts.observe(Obs.IMAGE_CUDA, document.line(index), document.number(index), image="the image",
                          cuda=match.group("cuda"), requires="yes", source="require")
            return


def _ngc_banner(document: Document, facts: Facts) -> None:
    for index in document.lines_with("nvidia release "):
        match = re.match(r"^\s*NVIDIA Release (?P<release>\d{2}\.\d{2})", document.line(index))
        if match:
            release = match.group("release")
            facts.observe(Obs.NGC_RELEASE, document.line(index), document.number(index), release=release)
            facts.set(lambda s: s.container.in_container, True, REPORTED)
            cuda = ngc_cuda(release)
            if cuda and document.has("== pytorch =="):
                facts.add_torch(TorchClaim(kind="imported", source="NGC banner", cuda=cuda,
                                           line=document.number(index)))
    for index in document.lines_with("pytorch version "):
        match = re.match(r"^\s*PyTorch Version (?P<version>\d+\.\d+[\w.+]*)\s*$", document.line(index))
        if match:
            facts.add_torch(TorchClaim(kind="imported", source="NGC banner", version=match.group("version"),
                                       line=document.number(index)))
    for index in document.lines_with("cuda version "):
        match = re.match(r"^\s*CUDA Version (?P<cuda>\d+\.\d+)(?:\.\d+)?\s*$", document.line(index))
        if match:
            facts.observe(Obs.IMAGE_CUDA, document.line(index), document.number(index), cuda=match.group("cuda"),
                          requires="yes", source="banner")
