"""The one registry of commands, shared by the command line, claims files and sweeps."""

from certify.commands.registry import COMMANDS as COMMANDS
from certify.commands.registry import Command as Command
from certify.commands.registry import get_command as get_command
