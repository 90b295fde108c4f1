"""Many machines: compare two (``diff``), survey many (``fleet``), and judge this
environment against a fleet's drivers and GPUs before it ships (``doctor --target``).

Modules: :mod:`facts` (what is compared, in order of consequence), :mod:`drift` (the
drift table), :mod:`diff`, :mod:`survey`, :mod:`loading`, :mod:`targets` and
:mod:`overlay` (what-if targets), :mod:`whatif`, :mod:`k8s` (fleet files from node
labels), :mod:`render`, :mod:`cli`.
"""
