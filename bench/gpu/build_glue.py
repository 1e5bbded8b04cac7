#!/usr/bin/env python3
"""Builds TorchSharp's native glue (libLibTorchSharp.so, sources carried in by bench/gpu/prepare.sh) against the
libtorch of this machine's PyTorch, for bench/gpu/gpu-check.sh.

1. CMake, as TorchSharp builds it (src/Native/CMakeLists.txt), with find_package(Torch) pointed at
   torch.utils.cmake_prefix_path, Ninja, all cores. Two changes to the carried sources, in the build copy only:
   `add_definitions(-Werror)` is dropped (a newer libtorch's deprecation warnings must not stop the build), and
   translation units that fail to compile and that Shear never calls (TorchScript, torch.export, vision ops, the data
   loaders: THSJIT, THSExport, THSVision, THSData, cifar10) are left out and named. P/Invoke binds each entry point on
   its first call, so absent exports of unused functions cost nothing. Any other failing unit fails the build.
2. Where CMake cannot configure (e.g. Torch's CUDA find modules), the same sources compiled directly with the
   compiler and flags PyTorch reports (torch.utils.cpp_extension include paths, its C++11 ABI flag), same rule.

The glue calls only libtorch's C++ API (torch::cuda::is_available and the like), no CUDA headers: CUDA comes from
libtorch_cuda.so at run time.

Usage: build_glue.py SOURCES BUILD_DIR OUTPUT_SO [--jobs N] [--smoke]
  SOURCES: the folder holding src/Native; --smoke configures and compiles one C file only (the CPU path's check).
Exit 0 with OUTPUT_SO written, 1 otherwise; the log says which units were left out.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time

OPTIONAL = {"THSJIT.cpp", "THSExport.cpp", "THSVision.cpp", "THSData.cpp", "cifar10.cpp"}


def log(msg):
    print(f"[glue] {msg}", flush=True)


def run(cmd, cwd=None):
    log("$ " + " ".join(cmd))
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def copy_sources(sources, build):
    src = os.path.join(build, "src")
    if os.path.exists(src):
        shutil.rmtree(src)
    shutil.copytree(os.path.join(sources, "src", "Native"), src)
    top = os.path.join(src, "CMakeLists.txt")
    with open(top) as f:
        text = f.read()
    with open(top, "w") as f:
        f.write(text.replace("add_definitions(-Werror)", "# add_definitions(-Werror): dropped by Shear's bench/gpu/build_glue.py"))
    return src


def drop_units(src, units):
    path = os.path.join(src, "LibTorchSharp", "CMakeLists.txt")
    with open(path) as f:
        lines = f.readlines()
    with open(path, "w") as f:
        f.writelines(l for l in lines if l.strip() not in units)


def cmake_build(src, build, jobs, smoke):
    import torch
    cm = os.path.join(build, "cmake")
    cfg = ["cmake", "-S", src, "-B", cm, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
           f"-DCMAKE_PREFIX_PATH={torch.utils.cmake_prefix_path}", "-DTORCH_CUDA_ARCH_LIST=9.0",
           f"-DPython3_EXECUTABLE={sys.executable}", f"-DPYTHON_EXECUTABLE={sys.executable}"]
    if shutil.which("nvcc"):
        cfg.append(f"-DCMAKE_CUDA_COMPILER={shutil.which('nvcc')}")
    rc, out = run(cfg)
    print(out[-6000:])
    if rc != 0:
        log("cmake could not configure")
        return None
    dropped = set()
    for attempt in range(2):
        target = ["LibTorchSharp/CMakeFiles/LibTorchSharp.dir/crc32c.c.o"] if smoke else ["LibTorchSharp"]
        rc, out = run(["ninja", "-C", cm, "-k", "0", f"-j{jobs}"] + target)
        print(out[-20000:])
        if rc == 0:
            if smoke:
                return "smoke"
            return os.path.join(cm, "LibTorchSharp", "libLibTorchSharp.so")
        failed = set(re.findall(r"FAILED: \S*?([A-Za-z0-9_]+\.(?:cpp|c))\.o", out))
        log(f"failed units: {sorted(failed) or 'none named (link error?)'}")
        if not failed or not failed <= OPTIONAL or attempt == 1:
            return False
        dropped |= failed
        log(f"leaving out units Shear never calls: {sorted(failed)}")
        drop_units(src, failed)
        rc, out = run(["cmake", cm])
        if rc != 0:
            print(out[-4000:])
            return False
    return False


def direct_build(src, build, jobs):
    import torch
    from torch.utils import cpp_extension
    lib_dir = os.path.join(os.path.dirname(torch.__file__), "lib")
    objs_dir = os.path.join(build, "direct")
    os.makedirs(objs_dir, exist_ok=True)
    cxx = os.environ.get("CXX") or shutil.which("g++") or shutil.which("c++")
    abi = int(torch._C._GLIBCXX_USE_CXX11_ABI)
    flags = ["-O2", "-fPIC", "-fvisibility=hidden", "-fstack-protector-strong", f"-D_GLIBCXX_USE_CXX11_ABI={abi}",
             "-D__LINUX__", "-D_NO_ASYNCRTIMP", "-D_NO_PPLXIMP", "-DNDEBUG", "-Wno-deprecated-declarations",
             "-I" + src, "-I" + os.path.join(src, "LibTorchSharp")] + ["-I" + p for p in cpp_extension.include_paths()]
    d = os.path.join(src, "LibTorchSharp")
    units = sorted(f for f in os.listdir(d) if f.endswith((".cpp", ".c")))

    def compile_one(unit):
        is_c = unit.endswith(".c")
        cmd = [cxx, "-x", "c" if is_c else "c++"] + ([] if is_c else ["-std=c++17"]) + flags + \
              ["-c", os.path.join(d, unit), "-o", os.path.join(objs_dir, unit + ".o")]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return unit, p.returncode, p.stdout

    failed = []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for unit, rc, out in pool.map(compile_one, units):
            if rc != 0:
                failed.append(unit)
                print(f"--- {unit} failed:\n{out[-4000:]}")
    if set(failed) - OPTIONAL:
        log(f"failed units Shear needs: {sorted(set(failed) - OPTIONAL)}")
        return False
    if failed:
        log(f"leaving out units Shear never calls: {sorted(failed)}")
    objs = [os.path.join(objs_dir, u + ".o") for u in units if u not in failed]
    libs = ["-ltorch", "-ltorch_cpu", "-lc10"] + [f"-l{n}" for n in ("torch_cuda", "c10_cuda")
                                                  if os.path.exists(os.path.join(lib_dir, f"lib{n}.so"))]
    out_so = os.path.join(objs_dir, "libLibTorchSharp.so")
    rc, out = run([cxx, "-shared", "-o", out_so] + objs + ["-L" + lib_dir, "-Wl,-rpath," + lib_dir, "-Wl,--no-as-needed"] + libs +
                  ["-Wl,--as-needed", "-Wl,-Bsymbolic", "-Wl,-Bsymbolic-functions"])
    print(out[-4000:])
    return out_so if rc == 0 else False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sources")
    ap.add_argument("build")
    ap.add_argument("output")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--smoke", action="store_true")
    a = ap.parse_args()
    start = time.time()
    import torch
    log(f"torch {torch.__version__} at {os.path.dirname(torch.__file__)}, cuda {torch.version.cuda}, "
        f"cxx11 abi {torch._C._GLIBCXX_USE_CXX11_ABI}, cmake prefix {torch.utils.cmake_prefix_path}")
    os.makedirs(a.build, exist_ok=True)
    src = copy_sources(a.sources, a.build)
    result = cmake_build(src, a.build, a.jobs, a.smoke)
    if a.smoke:
        log(f"smoke {'PASS' if result == 'smoke' else 'FAIL'} in {time.time() - start:.0f} s")
        return 0 if result == "smoke" else 1
    if result is None:
        log("falling back to a direct compile")
        result = direct_build(src, a.build, a.jobs)
    if not result:
        log(f"FAIL after {time.time() - start:.0f} s")
        return 1
    shutil.copyfile(result, a.output)
    rc, out = run(["nm", "-D", "--defined-only", a.output])
    exports = len([l for l in out.splitlines() if " T THS" in l]) if rc == 0 else -1
    log(f"built {a.output} ({os.path.getsize(a.output) / 1e6:.1f} MB, {exports} THS* exports) in {time.time() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
