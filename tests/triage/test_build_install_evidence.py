"""Evidence about the torch build and its installation that reports give in their own words: a warning the
program runs past, … Texts written here in the style of real reports."""
import pytest

from cudacheck.observations import Obs
from cudacheck.triage import parse, triage

from paste_findings import signatures


def first_problem(text):
    """(code, severity) of the first error or warning finding, None when there is none."""
    found = [f for f in triage(text).findings if f.severity in ("error", "warning")]
    return (found[0].code, found[0].severity) if found else None


# --- a warning the program runs past ------------------------------------------------------------------
_A10_WARNING = ("UserWarning: NVIDIA A10 with CUDA capability sm_86 is not compatible with the current PyTorch "
                 "installation.")


@pytest.mark.parametrize("text", [
    "I still see this warning, but training runs fine and the loss goes down.",
    "Despite the warning everything works, inference gives the right boxes.",
    "The model trains normally even though the warning is printed at start-up.",
    "这个警告一直存在，但是程序可以正常运行",
])
def test_a_warning_the_program_runs_past_is_recognised(text):
    assert Obs.WORKS_DESPITE_WARNING in signatures(text)


@pytest.mark.parametrize("text", [
    "UserWarning: the program runs fine on CPU only",  # the warning's own line
    "I get the warning and the training doesn't run normally anymore.",
    "Training works fine on my other machine.",
])
def test_no_warning_run_past(text):
    assert Obs.WORKS_DESPITE_WARNING not in signatures(text)


def test_the_arch_warning_is_no_error_when_the_program_runs_past_it():
    text = _A10_WARNING + "\nI get this warning on every start, but the script works fine and the outputs are right."
    assert first_problem(text) is None
    assert any(f.code == "CC805" and f.severity == "info" for f in triage(text).findings)


def test_the_arch_warning_alone_is_still_an_error():
    assert first_problem(_A10_WARNING) == ("CC805", "error")


def test_a_kernel_error_is_not_excused_by_a_working_warning():
    text = (_A10_WARNING + "\nThe warning appears but it runs fine at first, then\n"
            "RuntimeError: CUDA error: no kernel image is available for execution on the device")
    assert first_problem(text) == ("CC805", "error")


# --- CUDA in one environment and not in another ---------------------------------------------------------
def test_true_before_and_false_after_a_new_venv_is_two_installs():
    text = ("PS C:\\sd> python -c \"import torch; print(torch.cuda.is_available())\"\nTrue\n"
            "PS C:\\sd> python -m venv env\nPS C:\\sd> .\\env\\Scripts\\activate\n"
            "(env) PS C:\\sd> pip install -r requirements.txt\n"
            "(env) PS C:\\sd> python -c \"import torch; print(torch.cuda.is_available())\"\nFalse")
    assert first_problem(text)[0] == "CC815"


def test_conda_activate_between_the_answers_is_two_installs():
    text = (">>> torch.cuda.is_available()\nTrue\n>>> exit()\n$ conda activate comfy\n"
            ">>> import torch\n>>> torch.cuda.is_available()\nFalse")
    assert first_problem(text)[0] == "CC815"


@pytest.mark.parametrize("text", [
    "torch.cuda.is_available() is True outside the venv but False inside the venv.",
    "It works in the base env, but in my new conda environment torch can't see the GPU.",
])
def test_one_environment_working_and_another_not_is_recognised(text):
    assert Obs.ENV_CONTRAST_STATED in signatures(text)


@pytest.mark.parametrize("text", [
    "I created a fresh venv and installed the requirements there.",
    "It works outside Docker but not inside the container.",
])
def test_no_environment_contrast(text):
    assert Obs.ENV_CONTRAST_STATED not in signatures(text)


def test_true_and_false_without_an_environment_switch_are_not_two_installs():
    text = (">>> torch.cuda.is_available()\nTrue\n$ export CUDA_VISIBLE_DEVICES=''\n"
            ">>> torch.cuda.is_available()\nFalse")
    assert all(f.code != "CC815" for f in triage(text).findings)


def test_an_environment_activated_before_both_answers_is_not_two_installs():
    text = ("$ source .venv/bin/activate\n>>> torch.cuda.is_available()\nTrue\n"
            ">>> torch.cuda.is_available()\nFalse")
    assert all(f.code != "CC815" for f in triage(text).findings)


# --- a conda command pairing a torch release with a CUDA it was not built for ---------------------------
def _cc807(text):
    return [f for f in triage(text).findings if f.code == "CC807"]


def test_conda_asking_for_a_cuda_the_release_lacks_installs_the_cpu_build():
    found = _cc807("mamba install pytorch==2.0.1 torchvision pytorch-cuda=12.1 -c pytorch -c nvidia\n"
                   "then torch.cuda.is_available() gives me False")
    assert found and found[0].severity == "warning" and "pytorch-cuda=11.8" in found[0].remedy


@pytest.mark.parametrize("text", [
    "conda install pytorch==2.0.1 torchvision pytorch-cuda=11.8 -c pytorch -c nvidia",  # a build exists
    "conda install -c conda-forge pytorch=1.9.1 cudatoolkit=11.6",  # conda-forge builds its own variants
    "conda install -c pytorch pytorch torchvision cudatoolkit=11.6",  # no release pinned: the solver finds one
])
def test_conda_commands_with_a_build_or_no_pinned_release(text):
    assert not _cc807(text)


def test_cuda_not_built_for_answers_in_three_states():
    from cudacheck.compat.db import CompatDB
    from cudacheck.compat.judgements import cuda_not_built_for

    db = CompatDB()
    assert cuda_not_built_for(db, "1.9.1", "11.6") == ("10.2", "11.1")
    assert cuda_not_built_for(db, "1.9.1", "11.1") is None  # built for it
    assert cuda_not_built_for(db, "0.1.2", "11.6") is None  # a release the table does not know
    assert cuda_not_built_for(db, None, "11.6") is None


# --- an unnamed wheel said to lack CUDA ------------------------------------------------------------------
def test_an_unnamed_wheel_without_cuda_is_a_cpu_build():
    assert Obs.CPU_BUILD_STATED in signatures("Our installer pins a wheel without CUDA support, so training is slow.")


@pytest.mark.parametrize("text", [
    "The onnxruntime package pulls a wheel without CUDA support.",  # another framework's wheel
    "The wheel has CUDA support, I checked.",
])
def test_a_wheel_of_another_framework_or_with_cuda_is_not(text):
    assert Obs.CPU_BUILD_STATED not in signatures(text)


# --- a launcher script that runs another Python ----------------------------------------------------------
@pytest.mark.parametrize("text", [
    "With torchrun --nproc_per_node 4 train.py I get ImportError; if I use python -m torch.distributed.run instead "
    "it works.",
    "python -m torch.distributed.run works fine, but torchrun says No module named 'transformers'",
    "Replacing `accelerate launch` by `python -m accelerate.commands.launch` fixed it",
])
def test_a_launcher_failing_where_python_m_works_is_recognised(text):
    assert Obs.LAUNCHER_OTHER_PYTHON in signatures(text)
    assert first_problem(text) == ("CC815", "warning")


@pytest.mark.parametrize("text", [
    "torchrun --nproc_per_node 8 train.py\nRuntimeError: NCCL error in: ProcessGroupNCCL.cpp",
    "python -m torch.distributed.launch is deprecated, use torchrun instead",
])
def test_a_launcher_alone_is_not_another_python(text):
    assert Obs.LAUNCHER_OTHER_PYTHON not in signatures(text)


# --- a GPU name shared by products of different architectures -------------------------------------------
def test_an_ambiguous_name_keeps_its_range_of_capabilities():
    found = [o for o in parse("My GPU: GeForce GT 730, 2 GB").observations if o.signature == Obs.GPU_NAME_AMBIGUOUS]
    assert found and found[0].values["lowest"] == "2.1" and found[0].values["highest"] == "3.5"


def test_a_kernel_error_on_a_name_whose_every_product_is_too_old():
    text = ("The card is a GeForce GT 730 and any tensor op on cuda gives\n"
            "RuntimeError: CUDA error: no kernel image is available for execution on the device")
    assert first_problem(text) == ("CC806", "error")


def test_an_exact_name_is_no_ambiguous_observation():
    assert Obs.GPU_NAME_AMBIGUOUS not in signatures("GPU: NVIDIA GeForce RTX 4090")


# --- a GPU no torch release ever shipped kernels for ----------------------------------------------------
def test_a_fermi_gpu_with_cuda_unavailable_is_too_old_for_every_build():
    text = ("lspci | grep -i nvidia\n02:00.0 VGA compatible controller: NVIDIA Corporation GF116 [GeForce GTX 550 Ti]"
            " (rev a1)\n$ python -c 'import torch; print(torch.cuda.is_available())'\nFalse")
    assert first_problem(text) == ("CC806", "error")


def test_a_kepler_30_gpu_named_alone_is_a_possible_warning():
    found = [f for f in triage("Setup: Ubuntu 18.04, GeForce GTX 680, conda env with pytorch").findings
             if f.code == "CC806"]
    assert found and found[0].severity == "warning" and found[0].certainty == "possible"


def test_a_kepler_30_gpu_steps_aside_when_the_report_points_at_the_hardware_and_nothing_failed():
    text = ("GPU 0: GeForce GTX 680\nGPU 1: GeForce GTX 680\n"
            "One card is missing from nvidia-smi; the node may need a reboot or the GPU reseated.")
    aside = [f for f in triage(text).findings if f.code == "CC806"]
    assert aside and aside[0].severity == "info"
    assert first_problem(text)[0] == "CC820"
    failing = text + "\n>>> torch.cuda.is_available()\nFalse"
    assert first_problem(failing) == ("CC806", "error")  # a failure keeps the age the lead


@pytest.mark.parametrize("text", [
    "Setup: Ubuntu 22.04, GeForce GTX 1080 Ti\n>>> torch.cuda.is_available()\nFalse",  # Pascal: builds exist
    "GPU 0: GeForce GTX 680\nGPU 1: NVIDIA GeForce RTX 3090\n>>> torch.cuda.is_available()\nFalse",  # one is fine
])
def test_gpus_some_release_supports_are_not_too_old_for_every_build(text):
    assert all(f.code != "CC806" for f in triage(text).findings)


def test_below_every_release_in_three_states():
    from cudacheck.compat.archs import parse_arch
    from cudacheck.compat.db import CompatDB
    from cudacheck.compat.judgements import below_every_release

    db = CompatDB()
    assert below_every_release(db, parse_arch("2.1")) is True
    assert below_every_release(db, parse_arch("3.5")) is False  # torch 0.4–1.x shipped sm_35


# --- the build's own configuration -----------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Build settings: BLAS_INFO=open, BUILD_TYPE=Release, USE_CUDA=OFF, USE_CUDNN=OFF, USE_MKLDNN=ON,",
    "-- ******** Summary ********\n--   USE_CUDA              : OFF\n--   USE_ROCM              : OFF",
    "In [3]: torch.backends.cuda.is_built()\nOut[3]: False",
    "torch.backends.cuda.is_built() returns False on the new machine",
])
def test_a_build_configuration_without_cuda_is_a_cpu_build(text):
    assert any(o.signature == Obs.CPU_BUILD_STATED and o.values.get("kind") == "config" for o in parse(text).observations)


@pytest.mark.parametrize("text", [
    "Build settings: BUILD_TYPE=Release, CUDA_VERSION=12.1, USE_CUDA=ON, USE_CUDNN=ON,",
    ">>> torch.backends.cuda.is_built()\nTrue",
    "export USE_CUDA=0 before building the docs",  # a setting, not the installed build's configuration
])
def test_a_build_configuration_with_cuda_or_a_setting_is_not(text):
    assert not any(o.signature == Obs.CPU_BUILD_STATED and o.values.get("kind") == "config"
                   for o in parse(text).observations)


def test_a_build_without_cuda_on_an_nvidia_machine_is_an_error():
    assert first_problem("GPU 0: NVIDIA GeForce RTX 3060\nBuild settings: BUILD_TYPE=Release, USE_CUDA=OFF,") == \
        ("CC807", "error")


# --- pip and python of different environments ------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "(base) $ which python\n/opt/conda/bin/python\n$ which pip\n/home/ana/.venvs/sd/bin/pip",
    "C:\\> where python\nC:\\Python311\\python.exe\nC:\\> pip --version\n"
    "pip 24.0 from C:\\Users\\ana\\miniconda3\\envs\\ml\\Lib\\site-packages\\pip (python 3.10)",
])
def test_pip_and_python_of_different_environments(text):
    assert Obs.PIP_PYTHON_DIFFER in signatures(text)
    assert first_problem(text) == ("CC815", "warning")


@pytest.mark.parametrize("text", [
    "$ which python\n/home/ana/miniconda3/envs/ml/bin/python\n$ which pip\n/home/ana/miniconda3/envs/ml/bin/pip",
    "$ which python3\n/usr/bin/python3\n$ which pip3\n/usr/local/bin/pip3",  # both system: one site-packages path
    "$ pip -V\npip 23.3 from /home/ana/miniconda3/envs/ml/lib/python3.10/site-packages/pip (python 3.10)\n"
    "$ which python\n/home/ana/miniconda3/envs/ml/bin/python",
])
def test_pip_and_python_of_one_environment(text):
    assert Obs.PIP_PYTHON_DIFFER not in signatures(text)


# --- CUDA unavailable in the words of the frameworks around torch --------------------------------------
@pytest.mark.parametrize("text", [
    "GPU available: False, used: False",
    "ValueError: fp16 mixed precision requires a GPU (not 'cpu').",
    "ValueError: FP16 Mixed precision training with AMP or APEX (`--fp16`) and FP16 half precision evaluation "
    "(`--fp16_full_eval`) can only be used on CUDA or MLU devices or NPU devices",
])
def test_frameworks_saying_cuda_is_unavailable(text):
    assert Obs.CUDA_NOT_AVAILABLE in signatures(text)


@pytest.mark.parametrize("text", ["GPU available: True (cuda), used: True", "fp16 mixed precision on an A100"])
def test_frameworks_with_cuda_available(text):
    assert Obs.CUDA_NOT_AVAILABLE not in signatures(text)


# --- uv's --torch-backend --------------------------------------------------------------------------------
def test_uv_torch_backend_cpu_installs_the_cpu_build():
    found = [f for f in triage("uv pip install torch --torch-backend cpu\nGPU: RTX 4070").findings if f.code == "CC807"]
    assert found and "CPU-only" in found[0].title


def test_uv_torch_backend_cuda_is_no_cpu_install():
    found = [o for o in parse("uv pip install torch --torch-backend=cu128").observations
             if o.signature == Obs.INSTALL_COMMAND]
    assert found and found[0].values.get("index") == "cu128"


# --- the report saying the builds dropped its GPU --------------------------------------------------------
@pytest.mark.parametrize("text", [
    "It seems PyTorch 2.x removed support for older GPUs like mine",
    "Maxwell cards are no longer supported in the cu128 wheels?",
    "My laptop GPU has compute capability 5.0 and the new torch doesn't support it",
])
def test_a_gpu_said_to_be_dropped_is_a_possible_warning(text):
    assert first_problem(text) == ("CC806", "warning")


@pytest.mark.parametrize("text", [
    "They dropped support for Python 3.8 in this release.",
    "The RTX 4090 is supported since CUDA 11.8.",
])
def test_other_dropped_support_is_not_a_gpu(text):
    assert Obs.GPU_DROPPED_STATED not in signatures(text)


# --- where pip says torch is ---------------------------------------------------------------------------
def test_pip_finding_torch_in_the_user_site_inside_an_environment():
    text = ("(train) $ pip install torch torchvision\n"
            "Requirement already satisfied: torch in /home/lee/.local/lib/python3.11/site-packages (2.2.1)\n"
            "(train) $ python -c 'import torch; print(torch.cuda.is_available())'\nFalse")
    assert Obs.TORCH_USER_SITE in signatures(text)
    assert first_problem(text)[0] == "CC815"


def test_pip_show_location_is_where_torch_is():
    text = "$ pip show torch\nName: torch\nVersion: 2.3.0\nLocation: /home/lee/.local/lib/python3.11/site-packages"
    assert Obs.TORCH_USER_SITE in signatures(text)


@pytest.mark.parametrize("text", [
    "Requirement already satisfied: numpy in /home/lee/.local/lib/python3.11/site-packages (1.26.4)",
    "$ pip show numpy\nName: numpy\nLocation: /home/lee/.local/lib/python3.11/site-packages",
    "Requirement already satisfied: torch in /opt/conda/lib/python3.11/site-packages (2.2.1)",
])
def test_other_packages_or_an_ordinary_site_are_no_user_site_torch(text):
    assert Obs.TORCH_USER_SITE not in signatures(text)
