// SoftHSM2 and the 0600 key files are Unix; these tests run on Linux.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
