"""The pread storage's pickle reads: Whoosh reads a posting block's header (a pickled tuple)
before every block; the storage unpickles it from one read of the file."""
import pickle

import pytest

from market.search.storage import PICKLE_CHUNK, PreadStorage


def test_pickled_values_are_read_in_order_whatever_their_size(tmp_path):
    values = [(3, 17, 1.5, 0, 12, 40), "x" * (PICKLE_CHUNK * 20), {"a": [1, 2]}, None]
    with open(tmp_path / "values", "wb") as fh:
        for value in values:
            pickle.dump(value, fh, 2)
        fh.write(b"\x00\x00\x00\x07")
    f = PreadStorage(tmp_path).open_file("values")
    assert [f.read_pickle() for _ in values] == values  # each read ends where the next starts
    assert f.read_int() == 7
    f.close()


def test_a_pickled_value_cut_short_by_the_end_of_the_file_is_an_error(tmp_path):
    (tmp_path / "cut").write_bytes(pickle.dumps("y" * 1000, 2)[:500])
    f = PreadStorage(tmp_path).open_file("cut")
    with pytest.raises((EOFError, pickle.UnpicklingError)):
        f.read_pickle()
    f.close()
