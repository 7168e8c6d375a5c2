"""The one registry of commands, shared by the command line, claims files and sweeps."""

from certify.commands.registry import ALIASES as ALIASES
from certify.commands.registry import COMMANDS as COMMANDS
from certify.commands.registry import GROUPS as GROUPS
from certify.commands.registry import REGISTRY as REGISTRY
from certify.commands.registry import Command as Command
from certify.commands.registry import canonical_name as canonical_name
from certify.commands.registry import get_command as get_command
from certify.commands.registry import group_commands as group_commands
from certify.commands.registry import is_command as is_command
