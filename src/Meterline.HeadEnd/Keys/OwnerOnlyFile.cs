using System.Globalization;
using System.Security.Cryptography;

namespace Meterline.HeadEnd.Keys;

/// <summary>
/// Files that hold secrets: created readable and writable by their owner only (mode 0600), published atomically
/// (written to a temporary file, flushed to disk, then renamed), read with a size cap, and refused when group or
/// others have any access.
/// </summary>
public static class OwnerOnlyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Throws <see cref="KeyProviderException"/> when group or others have any access to the file.</summary>
    public static void EnsureOwnerOnly(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOthers) != 0)
        {
            var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
            throw new KeyProviderException(string.Create(CultureInfo.InvariantCulture,
                $"{path} has mode {octal}: a secret file must be readable by its owner only (chmod 600 it)."));
        }
    }

    /// <summary>Reads a whole file of at most <paramref name="maxBytes"/> bytes after checking its mode; the caller zeroes the result.</summary>
    public static byte[] ReadAllBytes(string path, int maxBytes)
    {
        EnsureOwnerOnly(path);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(handle);
        if (length > maxBytes)
        {
            throw new KeyProviderException(string.Create(CultureInfo.InvariantCulture, $"{path} is larger than {maxBytes} bytes."));
        }

        var bytes = new byte[length];
        var read = 0;
        while (read < bytes.Length)
        {
            var n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
            if (n == 0)
            {
                CryptographicOperations.ZeroMemory(bytes);
                throw new KeyProviderException($"{path} became shorter while it was read.");
            }

            read += n;
        }

        return bytes;
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> with mode 0600 (its directory is created with mode
    /// 0700 if missing). Without <paramref name="overwrite"/> an existing file is kept and false returned.
    /// </summary>
    public static bool Write(string path, ReadOnlySpan<byte> content, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var temporary = string.Create(CultureInfo.InvariantCulture, $"{full}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            if (!overwrite && File.Exists(full))
            {
                return false;
            }

            File.Move(temporary, full, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(full))
        {
            return false;
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
