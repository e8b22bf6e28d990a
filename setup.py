"""Packages are found by setuptools; the bundled resources live in resources/ as w2vstudio.resources."""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["w2vstudio", "w2vstudio.*"]) + ["w2vstudio.resources"],
      package_dir={"w2vstudio.resources": "resources"})
