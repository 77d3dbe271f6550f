import json
import pathlib

import numpy as np
import pytest

DATA = pathlib.Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def keras_golden():
    with np.load(DATA / "keras_golden.npz") as d:
        arrays = {k: d[k] for k in d.files}
    return json.loads(str(arrays.pop("meta"))), arrays
