import os
import sys

# providers_support.py sits next to the test files.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
