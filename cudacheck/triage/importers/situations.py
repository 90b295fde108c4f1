"""Where the program runs, told by the evidence each situation leaves in a paste.

- **a container** (``container.in_container``, ``container.runtime``): ``/.dockerenv``, a
  prompt inside one, "(container) $", ``docker exec``/``docker compose``, a Dockerfile's
  ``FROM``, LXD/LXC, Apptainer/Singularity (``--nv``), Podman; a container said to be started
  without its GPU flag ("forgot the --nv flag", "didn't pass --gpus all");
- **a Kubernetes pod** (runtime ``kubernetes``): ``kind: Pod`` manifests, ``kubectl``, pods,
  ``runtimeClassName``, ``nvidia.com/gpu`` limits, the GPU Operator, k3s/containerd
  configuration; whether the pod asks for a GPU and names the NVIDIA runtime
  (:data:`Obs.KUBERNETES_POD`);
- **WSL** (runtime ``wsl``; :data:`Obs.WSL` with its version): WSL1's ``…-Microsoft`` kernels,
  WSL2's ``microsoft-standard-WSL2`` kernels, ``/usr/lib/wsl/lib``, the words;
- **a Slurm job or login node** (:data:`Obs.SLURM`): ``#SBATCH``, ``srun``/``sbatch``/``salloc``,
  ``SLURM_*``, "login node"; whether GPUs were requested (``--gres=gpu``, ``--gpus…``);
- **an NVIDIA vGPU guest** (:data:`Obs.VGPU`): "vGPU", a GRID driver or licence, a vGPU profile's
  name ("GRID T4-16Q"), the guest driver's ``…-grid.run`` installer;
- **a bare-metal host** (``container.in_container`` False): "bare metal", "not in a container";
- **the NVIDIA device nodes** (``container.dev_nodes``): ``ls -l /dev/nvidia*`` listings, "ls:
  cannot access '/dev/nvidia*'", and a missing ``nvidia-uvm`` module or node
  (:data:`Obs.UVM_MISSING`).

A situation is evidence, not a diagnosis: the rules decide what "nvidia-smi: command not
found" means in each (a container started without GPUs, a login node without GPUs, a host
without a driver).
"""
from __future__ import annotations

import re
from typing import List, Optional

from ...observations import Obs
from ..document import Document
from ...snapshot import ShmFacts
from ..facts import PROSE, REPORTED, TOOL, Facts
from ...lazy_regex import lazy_compile

_CONTAINER = lazy_compile(
    r"/\.dockerenv|^\s*\(container\)|\bdocker\s+(?:exec|compose|-compose|container\s+exec)\b|docker-compose|"
    r"\binside\s+(?:the\s+|a\s+|my\s+|of\s+the\s+)?(?:docker\s+)?container\b|\bin\s+(?:the|a|my)\s+(?:docker\s+)?container\b|"
    r"\b(?:docker|podman)\s+container\b|^\s*(?-i:FROM)\s+(?:--platform=\S+\s+)?[\w./:${}@-]+(?:\s+as\s+[\w.-]+)?\s*$|\bcontainers?\s+(?:lost|lose|cannot|can't|doesn'?t|do not)\b|"
    r"\bnvidia\s+docker\b|\bgpu\s+containers?\b|\bdev\s?containers?\b|\.devcontainer\b|docker\s*容器|容器(?:内|里|中)|コンテナ|컨테이너|контейнер|contenedor|"
    r"cont[êe]iner|conteneur",
    re.IGNORECASE)
_LXD = lazy_compile(r"\blxd\b|\blxc\b(?!\s*=)", re.IGNORECASE)
_APPTAINER = lazy_compile(r"\b(?:singularity|apptainer)\s+(?:exec|run|shell|instance)\b(?P<rest>[^\n]*)", re.IGNORECASE)
_ACCESS_FORGOTTEN = lazy_compile(
    # a container said to be started without its GPU flag: "you most likely forgot to call the container using the
    # --nv flag", "I didn't pass --gpus all", "without the --gpus flag"
    r"(?:\bforg[eo]t(?:ten)?|\bmissing|\bomitted|\bleft\s+out|(?:\bdidn'?t|\bdid\s+not|\bdon'?t|\bdo\s+not|\bnever)\s+"
    r"(?:use|pass|add|give|specify|set|include)\b)[^\n]{0,60}?(?<![\w-])(?P<flag>--nv|--gpus|--runtime[= ]nvidia|"
    r"--nvccli)(?![\w-])|\bwithout\s+(?:the\s+|a\s+|using\s+)?[`'\"]?(?P<flag2>--nv|--gpus|--runtime[= ]nvidia)"
    r"(?![\w-])[^\n]{0,20}?\b(?:flag|option|argument|switch)", re.IGNORECASE)
_CONTAINER_SAID = lazy_compile(
    # the program said to run in a container in other words: "running in docker", "inside docker", "the official docker
    # image", "Docker Desktop", "dockerized", an image named by its registry ("ghcr.io/org/app:server-cuda")
    r"\b(?:run|runs|running|ran|inside|within|in|under|via|using|use|uses|used|from)\s+(?:a\s+|the\s+|my\s+|our\s+)?docker\b"
    r"(?!\s+(?:install|engine\s+install|hub\s+page|docs?|documentation|for\s+deploy))|"
    r"\bdocker\s+(?:image|desktop|version\s+of)\b|\bdockeri[sz]ed\b|\bdockerfile\b|"
    r"(?<![\w.-])(?:ghcr\.io|docker\.io|quay\.io|nvcr\.io|public\.ecr\.aws|registry\.[\w.-]+)/[\w./-]+:[\w.-]+|"
    r"\b(?:run|runs|running|ran|inside|within|in|under|via|using|use|with)\s+(?:a\s+|an\s+|the\s+|my\s+|our\s+)?"
    r"(?P<apptainer>singularity|apptainer)\b|\b(?P<apptainer2>singularity|apptainer)\s+(?:container|image)s?\b|"
    r"[\w-]\.(?P<sif>sif)\b|"
    # a NAS whose apps are Docker containers; "the Frigate container"
    r"\b(?:in|on|under|with|using)\s+unraid\b|\b(?:the|my|this|our|a)\s+(?:fresh\s+|new\s+|original\s+)?[\w.-]+\s+container\b"
    r"(?!\s+(?:of|for)\b)(?<!storage container)(?<!blob container)",
    re.IGNORECASE)
_ACCESS_KEY = (r"(?:--gpus\b|--nv\b|runtime:\s*nvidia|--runtime[= ]nvidia|nvidia\.com/gpu|"
               r"NVIDIA_VISIBLE_DEVICES\s*=\s*all|gpu\s+limits?\b|gpu\s+resource\s+limits?\b|device_requests)")
_ACCESS_FIX = lazy_compile(
    # the fix the report states gives the container or pod GPU access: "I had to set this limit nvidia.com/gpu: 2",
    # "after adding --gpus all it works", "adding runtime: nvidia to the service fixed it"
    r"(?:\bhad\s+to|\bneed(?:ed|s)?\s+to|\bafter|\bonce)\s+(?:i\s+|we\s+)?(?:also\s+)?"
    r"(?:add|set|enabl|pass|specify|request|includ|us)\w*\b[^\n]{0,60}?" + _ACCESS_KEY + r"|"
    r"\b(?:add|set|enabl|pass|specify|request|includ)\w*\b[^\n]{0,60}?" + _ACCESS_KEY + r"[^\n]{0,60}?"
    r"\b(?:fix(?:es|ed)|solv(?:es|ed)|resolv(?:es|ed)|did\s+the\s+trick|made\s+it\s+work)", re.IGNORECASE)
_ACCESS_ANCHORS = ("--gpus", "--nv", "runtime: nvidia", "runtime:nvidia", "--runtime", "nvidia.com/gpu",
                   "nvidia_visible_devices", "gpu limit", "gpu resource limit", "device_requests")
_KUBERNETES = lazy_compile(
    r"^\s*kind:\s*(?:Pod|Deployment|Job|StatefulSet|DaemonSet)\b|\bkubectl\b|\bkubernetes\b|\bk8s\b|\bk3s\b|"
    r"\brke2\b|\beks\b|\bgke\b|\baks\b|\bpods?\b|runtimeClassName|nvidia\.com/gpu(?!=)|gpu[- ]operator|"
    r"containerd/config\.toml|default_runtime_name", re.IGNORECASE)
_POD_GPU = lazy_compile(r"nvidia\.com/gpu\s*:\s*['\"]?\d", re.IGNORECASE)
_RUNTIME_CLASS = lazy_compile(r"runtimeClassName\s*:\s*['\"]?(?P<name>[\w-]+)", re.IGNORECASE)
_WSL1_KERNEL = lazy_compile(r"\b\d+\.\d+\.\d+-\d+-Microsoft\b")
_WSL2 = lazy_compile(r"microsoft-standard(?:-wsl2)?|\bwsl\s*2\b|\bwsl2\b|/usr/lib/wsl/lib|\\lxss\\|libdxcore|/dev/dxg",
                   re.IGNORECASE)
_WSL1 = lazy_compile(r"\bwsl\s*1\b|\bwsl1\b", re.IGNORECASE)
_SLURM = lazy_compile(r"^\s*#SBATCH\b|\b(?:srun|sbatch|salloc)\b|\bSLURM_[A-Z_]+|\bslurm\b|\blogin\s+node\b|"
                    r"\bcompute\s+node\b|\bstaging\s+node\b|\bhead\s+node\b|\bhpc\b|\bcluster\b|^\s*#PBS\b|"
                    r"\bqsub\b|\bmodule\s+load\b", re.IGNORECASE)
_GRES = lazy_compile(r"--gres[= ](?:[\w:]*gpu)|--gpus(?:-per-(?:node|task|socket))?[= ]\s*\S|(?:^|\s)-G\s*\d|"
                   r"--gpus-per-task|#SBATCH\s+--gpus", re.IGNORECASE)
_LOGIN_NODE = lazy_compile(r"\b(?:login|staging|head)\s+node\b|\blogin\s*node\b", re.IGNORECASE)
_VM = lazy_compile(r"\b(?:virtualbox|vmware|hyper-v|proxmox|qemu|kvm|parallels)\b|\bvirtual\s+machine\b|\b(?:in|inside|on)\s+"
                 r"(?:a|an|the|my)\s+vm\b", re.IGNORECASE)
_VGPU = lazy_compile(r"\bvGPU\b|\bNVIDIA\s+GRID\b|\bGRID\s+(?:drivers?|licen[cs]e[ds]?|licensing|vGPU)\b|"
                   r"\bGRID\s+[A-Z]*\d+\w*-\d{1,3}[ABCQ]\b|-grid\.run\b", re.IGNORECASE)
_NOTEBOOK = lazy_compile(r"\b(?:google\s+)?colab\b|\bkaggle\b|\bsagemaker\s+(?:studio|notebook)|/content/drive|"
                       r"/kaggle/(?:input|working)|\bjupyterhub\b|\b(?:hf|hugging\s?face)\s+spaces?\b|"
                       r"\bpaperspace\b", re.IGNORECASE)
_NOTEBOOK_WITHOUT_GPU = lazy_compile(
    # Colab's own notice that it gave the session no GPU (usage limits, none free), in English and Portuguese
    r"\bcannot connect to (?:the )?GPU backend|\bno backend with GPU available|\bcannot currently connect to a GPU "
    r"due to usage limits|\bunable to assign a backend\b|não (?:é|foi) possível conectar (?:ao|a um) back-?end da GPU|"
    r"nenhum back-?end com GPU disponível|não é possível conectar a uma GPU devido aos limites de uso", re.IGNORECASE)
_NOTEBOOK_WITHOUT_GPU_ANCHORS = ("gpu backend", "backend with gpu", "connect to a gpu", "assign a backend",
                                 "back-end da gpu", "backend da gpu", "back-end com gpu", "backend com gpu",
                                 "a uma gpu")
_BARE_METAL = lazy_compile(r"\bbare[- ]?metal\b|\bnot\s+(?:in|inside)\s+(?:a\s+)?(?:docker|container)\b|"
                         r"\bwithout\s+(?:docker|a\s+container)\b", re.IGNORECASE)
_SHM_LISTING = lazy_compile(r"^\s*d(?P<perm>[rwxtTsS-]{9})[.+@]?\s+\d+\s+\S+\s+\S+\s+.*?/dev/shm/?\s*$")
_SHM_MOUNT = lazy_compile(r"/dev/shm\s+tmpfs\s+\S*?\bmode=(?P<mode>[0-7]{3,4})\b")
_SHM_STATED = lazy_compile(
    r"/dev/shm[^\n]{0,80}(?:\b0?755\b|rwxr-xr-x|writable (?:for|by|to) root only|root[- ]only|not writable|"
    r"read-only|permission denied)|(?:\b0?755\b|rwxr-xr-x)[^\n]{0,60}/dev/shm", re.IGNORECASE)
_SHM_MISSING = lazy_compile(
    # /dev/shm said or shown to be absent: "os.path.exists('/dev/shm')  # False", "ls: cannot access '/dev/shm': No
    # such file or directory", "/dev/shm does not exist", "/dev/shm is shadowed by a later devtmpfs mount on /dev"
    r"os\.path\.(?:exists|isdir)\(\s*['\"]/dev/shm/?['\"]\s*\)\s*(?:#|->|=>|:|returns?|is|gives)?\s*False\b|"
    r"cannot access\s+['\"]?/dev/shm/?['\"]?\s*:\s*No such file|"
    r"/dev/shm/?['\"`]?\s*(?::\s*No such file or directory|(?:does\s+not|doesn'?t)\s+exist|(?:is|was)\s+(?:missing|"
    r"not\s+(?:mounted|present|there)|(?:shadowed|hidden|over-?mounted|unreachable)))|"
    r"\b(?:no|missing|without\s+(?:a\s+)?)\s*/dev/shm\s+(?:mount|at\s+all|in\s+the\s+container)", re.IGNORECASE)
_NODE_LISTING = lazy_compile(r"^\s*c[rwx-]{9}\.?\s+\d+\s+\S+\s+\S+\s+\d+,\s*\d+[^/]*(?P<node>/dev/nvidia[\w-]*)")
_NODE_PATH = lazy_compile(r"(?P<node>/dev/nvidia(?:\d+|ctl|-uvm(?:-tools)?|-modeset|-caps))\b")
_NO_NODES = lazy_compile(r"cannot access\s+['\"]?/dev/nvidia\*?['\"]?\s*:\s*No such file", re.IGNORECASE)
_UVM = lazy_compile(r"Module nvidia[-_](?:\d+[-_])?(?:updates[-_])?uvm not found|could not insert 'nvidia_[\w]*uvm'|"
                  r"/dev/nvidia-uvm[^\n]{0,40}(?:missing|No such file|not (?:exist|found|present|created))|"
                  r"(?:missing|no|without)\s+(?:the\s+)?/dev/nvidia-uvm|nvidia[-_]uvm\s+(?:module\s+)?(?:is\s+)?not\s+"
                  r"(?:loaded|present|created)|(?:re-?)?add(?:ed|ing)?\s+(?:the\s+)?nvidia[-_]uvm|\buvm\s+module\s+is\s+not\s+"
                  r"loaded", re.IGNORECASE)


def parse(document: Document, facts: Facts) -> None:
    """Containers, pods, WSL, Slurm, bare metal and the device nodes the paste shows."""
    _wsl(document, facts)
    _access_forgotten(document, facts)
    _access_fix_stated(document, facts)
    _containers(document, facts)
    _kubernetes(document, facts)
    _containers_said(document, facts)
    _slurm(document, facts)
    for index in document.lines_with_any(("virtualbox", "vmware", "hyper-v", "proxmox", "qemu", "kvm", "parallels",
                                          "virtual machine", " vm")):
        if _VM.search(document.line(index)):
            facts.observe(Obs.VIRTUAL_MACHINE, document.line(index), document.number(index))
            break
    for index in document.lines_with_any(("vgpu", "grid")):
        if _VGPU.search(document.line(index)):  # a vGPU guest: its driver and licence, or a vGPU profile's name
            facts.observe(Obs.VGPU, document.line(index), document.number(index))
            break
    for index in document.lines_with_any(("colab", "kaggle", "sagemaker", "/content/", "jupyterhub", "spaces",
                                          "space ", "paperspace")):
        if _NOTEBOOK.search(document.line(index)):
            facts.observe(Obs.HOSTED_NOTEBOOK, document.line(index), document.number(index))
            break
    for index in document.lines_with_any(_NOTEBOOK_WITHOUT_GPU_ANCHORS):
        if _NOTEBOOK_WITHOUT_GPU.search(document.line(index)):  # the notebook's runtime was given no GPU
            facts.observe(Obs.HOSTED_NOTEBOOK, document.line(index), document.number(index), kind="no GPU given")
            facts.observe(Obs.GPU_NOT_SEEN, document.line(index), document.number(index))
            break
    for index in document.lines_with_any(("jetson", "jetpack", "l4t", "tegra")):
        if re.search(r"\bjetson\b|\bjetpack\b|\bl4t\b|\btegra\b", document.line(index), re.IGNORECASE):
            facts.observe(Obs.JETSON, document.line(index), document.number(index))
            facts.set(lambda s: s.platform.machine, "aarch64", PROSE)
            break
    for index in document.lines_with_any(("bare metal", "bare-metal", "baremetal", "not in a", "not inside",
                                          "without docker", "without a container")):
        if _BARE_METAL.search(document.line(index)):
            facts.set(lambda s: s.container.in_container, False, REPORTED)
            facts.observe(Obs.BARE_METAL, document.line(index), document.number(index))
            break
    _device_nodes(document, facts)
    _shm(document, facts)


def _wsl(document: Document, facts: Facts) -> None:
    for index in document.lines_with_any(("microsoft", "wsl", "lxss", "dxcore", "/dev/dxg")):
        text = document.line(index)
        version: Optional[str] = None
        if _WSL1_KERNEL.search(text) or _WSL1.search(text):
            version = "1"
        elif _WSL2.search(text):
            version = "2"
        elif not re.search(r"\bwsl\b", text, re.IGNORECASE):
            continue  # "Microsoft" alone is not WSL
        facts.observe(Obs.WSL, text, document.number(index), version=version)
        facts.set(lambda s: s.container.runtime, "wsl", PROSE)
        facts.set(lambda s: s.platform.system, "Linux", PROSE)


def _access_forgotten(document: Document, facts: Facts) -> None:
    """A container said to be started without its GPU flag: first, so it outweighs the corrected command that
    usually follows it."""
    for index in document.lines_with_any(("--nv", "--gpus", "--runtime")):
        match = _ACCESS_FORGOTTEN.search(document.line(index))
        if match:
            flag = (match.group("flag") or match.group("flag2")).lower()
            runtime = "apptainer" if flag.startswith("--nv") else "docker"
            facts.observe(Obs.CONTAINER_MARKER, document.line(index), document.number(index), runtime=runtime,
                          gpu_access="no")
            facts.set(lambda s: s.container.in_container, True, PROSE)
            facts.set(lambda s: s.container.runtime, runtime, PROSE)
            return


def _containers_said(document: Document, facts: Facts) -> None:
    """A container named in other words than a command or a prompt (only where nothing else showed one)."""
    if facts.snapshot.container.in_container is not None:
        return
    for index in document.lines_with_any(("docker", "ghcr.io", "quay.io", "nvcr.io", "public.ecr.aws", "registry.",
                                          "singularity", "apptainer", ".sif", "unraid", " container")):
        match = _CONTAINER_SAID.search(document.line(index))
        if match:
            runtime = "apptainer" if match.group("apptainer") or match.group("apptainer2") or match.group("sif") \
                else "docker"
            facts.observe(Obs.CONTAINER_MARKER, document.line(index), document.number(index), runtime=runtime)
            facts.set(lambda s: s.container.in_container, True, PROSE)
            facts.set(lambda s: s.container.runtime, runtime, PROSE)
            return


def _access_fix_stated(document: Document, facts: Facts) -> None:
    """The report's fix gives the container or pod GPU access: it had none before."""
    for index in document.lines_with_any(_ACCESS_ANCHORS):
        if _ACCESS_FIX.search(document.line(index)):
            facts.observe(Obs.GPU_ACCESS_FIX_STATED, document.line(index), document.number(index))
            return


def _containers(document: Document, facts: Facts) -> None:
    for index in document.lines_with_any(("docker", "container", ".dockerenv", "from ", "podman", "容器", "コンテナ",
                                          "컨테이너", "контейнер", "contenedor", "contêiner", "conteiner", "conteneur")):
        text = document.line(index)
        if _CONTAINER.search(text):
            facts.observe(Obs.CONTAINER_MARKER, text, document.number(index), runtime="docker")
            facts.set(lambda s: s.container.in_container, True, PROSE)
            facts.set(lambda s: s.container.runtime, "docker", REPORTED)
            break
    for index in document.lines_with_any(("lxd", "lxc")):
        text = document.line(index)
        if _LXD.search(text):
            facts.observe(Obs.CONTAINER_MARKER, text, document.number(index), runtime="lxc")
            facts.set(lambda s: s.container.in_container, True, PROSE)
            facts.set(lambda s: s.container.runtime, "lxc", REPORTED)
            break
    for index in document.lines_with_any(("singularity", "apptainer")):
        match = _APPTAINER.search(document.line(index))
        if match:
            granted = bool(re.search(r"(?:^|\s)--nv(?:\s|$)|--nvccli", match.group("rest")))
            facts.observe(Obs.CONTAINER_MARKER, document.line(index), document.number(index), runtime="apptainer",
                          gpu_access="yes" if granted else "no")
            facts.set(lambda s: s.container.in_container, True, REPORTED)
            facts.set(lambda s: s.container.runtime, "apptainer", REPORTED)
            break


def _kubernetes(document: Document, facts: Facts) -> None:
    lines: List[int] = [i for i in document.lines_with_any((
        "kind:", "kubectl", "kubernetes", "k8s", "k3s", "rke2", "eks", "gke", "aks", "pod", "runtimeclassname",
        "nvidia.com/gpu", "gpu operator", "gpu-operator", "containerd", "default_runtime_name"))
        if _KUBERNETES.search(document.line(i))]
    if not lines:
        return
    text = "\n".join(document.line(i) for i in lines)
    limit = any(_POD_GPU.search(document.line(i)) for i in document.lines_with("nvidia.com/gpu"))
    runtime = next((m.group("name") for i in document.lines_with("runtimeclassname")
                    for m in [_RUNTIME_CLASS.search(document.line(i))] if m), None)
    manifest = any(re.match(r"^\s*kind:\s*\w+", document.line(i)) for i in lines) or \
        any(re.match(r"^\s*(?:resources|limits|containers):", document.line(i)) for i in document.lines_with(":"))
    facts.observe(Obs.KUBERNETES_POD, document.line(lines[0]), document.number(lines[0]),
                  gpu_limit="yes" if limit else ("no" if manifest else None), runtime_class=runtime,
                  k3s="yes" if re.search(r"\bk3s\b|\brke2\b", text, re.IGNORECASE) else None)
    facts.set(lambda s: s.container.in_container, True, PROSE)
    facts.set(lambda s: s.container.runtime, "kubernetes", REPORTED)


_WORKS_ON_LOGIN_NODE = lazy_compile(r"\b(?:True|works?|working)\b[^\n]{0,40}?\bon\s+the\s+(?:login|head|front-?end|"
                                   r"submit)\s+node", re.IGNORECASE)


def _slurm(document: Document, facts: Facts) -> None:
    lines = [i for i in document.lines_with_any(("#sbatch", "srun", "sbatch", "salloc", "slurm", "login node",
                                                 "compute node", "staging node", "head node", "hpc", "cluster",
                                                 "#pbs", "qsub", "module load"))
             if _SLURM.search(document.line(i))]
    if not lines or facts.snapshot.container.runtime == "kubernetes":
        return  # a Kubernetes cluster is a pod situation
    requested = any(_GRES.search(document.line(i)) for i in document.lines_with_any(("--gres", "--gpus", "-g")))
    login = any(_LOGIN_NODE.search(document.line(i)) and not _WORKS_ON_LOGIN_NODE.search(document.line(i))
                for i in lines)  # "True on the login node, False in the job": the job is where it fails
    per_task = any(re.search(r"--gpus-per-task|--ntasks-per-gpu|--gpu-bind", document.line(i))
                   for i in document.lines_with_any(("--gpus-per-task", "--ntasks-per-gpu", "--gpu-bind")))
    facts.observe(Obs.SLURM, document.line(lines[0]), document.number(lines[0]),
                  gpus_requested="yes" if requested else "no", login_node="yes" if login else None,
                  gpus_per_task="yes" if per_task else None)


def _shm(document: Document, facts: Facts) -> None:
    """/dev/shm that other users cannot write: an ``ls -ld`` listing, a mount line, or the report saying so; or
    /dev/shm absent (an ``os.path.exists`` check, ``ls`` failing, the report saying it is hidden)."""
    for index in document.lines_with("/dev/shm"):
        text = document.line(index)
        following = document.next_nonblank(index)
        shown = text + (" # " + document.line(following).strip() if following is not None and
                        document.line(following).strip() == "False" else "")
        if _SHM_MISSING.search(shown):
            facts.set(lambda s: s.container.shm, ShmFacts(exists=False, writable=False,
                                                          write_error=text.strip()[:200]), REPORTED)
            return
    for index in document.lines_with("/dev/shm"):
        text = document.line(index)
        listing = _SHM_LISTING.match(text)
        mount = _SHM_MOUNT.search(text)
        closed = (listing is not None and listing.group("perm")[7] != "w") or \
            (mount is not None and not int(mount.group("mode")[-1]) & 2) or _SHM_STATED.search(text) is not None
        if closed:
            shm = facts.snapshot.container.shm
            if shm is None or not facts.known(lambda s: s.container.shm):
                facts.set(lambda s: s.container.shm, ShmFacts(exists=True, writable=False, write_error=text.strip()[:200]),
                          REPORTED)
            else:
                shm.writable, shm.write_error = False, text.strip()[:200]
            facts.observe(Obs.SHM_NOT_WRITABLE, text, document.number(index))
            return


def _device_nodes(document: Document, facts: Facts) -> None:
    present: List[str] = []
    for index in document.lines_with("/dev/nvidia"):
        text = document.line(index)
        listing = _NODE_LISTING.match(text)
        if listing:
            node = _NODE_PATH.search(listing.group("node"))
            if node and node.group("node") not in present:
                present.append(node.group("node"))
        if _NO_NODES.search(text):
            no_nodes: List[str] = []
            facts.set(lambda s: s.container.dev_nodes, no_nodes, TOOL)
    if present:
        facts.set(lambda s: s.container.dev_nodes, present, TOOL)
    for index in document.lines_with("uvm"):
        if _UVM.search(document.line(index)):
            facts.observe(Obs.UVM_MISSING, document.line(index), document.number(index))
            break
