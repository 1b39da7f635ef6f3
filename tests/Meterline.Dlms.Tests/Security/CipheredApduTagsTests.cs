using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

public class CipheredApduTagsTests
{
    [Theory]
    // Green Book 9.5 COSEMpdu: LN services glo = plain + 8, ded = plain + 16.
    [InlineData(0xC0, 0xC8, 0xD0)] // get-request
    [InlineData(0xC1, 0xC9, 0xD1)] // set-request
    [InlineData(0xC2, 0xCA, 0xD2)] // event-notification-request
    [InlineData(0xC3, 0xCB, 0xD3)] // action-request
    [InlineData(0xC4, 0xCC, 0xD4)] // get-response
    [InlineData(0xC5, 0xCD, 0xD5)] // set-response
    [InlineData(0xC7, 0xCF, 0xD7)] // action-response
    // initiate, SN services, confirmed-service-error, information-report: glo = plain + 32, ded = plain + 64.
    [InlineData(0x01, 0x21, 0x41)] // initiate-request
    [InlineData(0x05, 0x25, 0x45)] // read-request
    [InlineData(0x06, 0x26, 0x46)] // write-request
    [InlineData(0x08, 0x28, 0x48)] // initiate-response
    [InlineData(0x0C, 0x2C, 0x4C)] // read-response
    [InlineData(0x0D, 0x2D, 0x4D)] // write-response
    [InlineData(0x0E, 0x2E, 0x4E)] // confirmed-service-error
    [InlineData(0x16, 0x36, 0x56)] // unconfirmed-write-request
    [InlineData(0x18, 0x38, 0x58)] // information-report-request
    public void Mapping_PlainTag_GivesGloAndDedTagsAndBack(byte plain, byte glo, byte ded)
    {
        Assert.True(CipheredApduTags.TryGetGlobalTag(plain, out var globalTag));
        Assert.Equal(glo, globalTag);
        Assert.True(CipheredApduTags.TryGetDedicatedTag(plain, out var dedicatedTag));
        Assert.Equal(ded, dedicatedTag);

        Assert.True(CipheredApduTags.TryGetPlainTag(glo, out var fromGlo));
        Assert.Equal(plain, fromGlo);
        Assert.True(CipheredApduTags.TryGetPlainTag(ded, out var fromDed));
        Assert.Equal(plain, fromDed);

        Assert.True(CipheredApduTags.IsGlobal(glo));
        Assert.False(CipheredApduTags.IsDedicated(glo));
        Assert.True(CipheredApduTags.IsDedicated(ded));
        Assert.False(CipheredApduTags.IsGlobal(ded));
    }

    [Theory]
    [InlineData(0xC6)]
    [InlineData(0xCE)]
    [InlineData(0xD6)]
    [InlineData(0x00)]
    [InlineData(0x0F)]
    [InlineData(0xDB)]
    [InlineData(0xDD)]
    [InlineData(0xC0)]
    [InlineData(0xFF)]
    public void TryGetPlainTag_NotServiceSpecificCiphered_ReturnsFalse(byte tag)
    {
        Assert.False(CipheredApduTags.TryGetPlainTag(tag, out _));
        Assert.False(CipheredApduTags.IsServiceSpecificCiphered(tag));
        Assert.False(CipheredApduTags.IsGlobal(tag));
        Assert.False(CipheredApduTags.IsDedicated(tag));
    }

    [Theory]
    [InlineData(0x0F)] // data-notification has general-glo-ciphering only
    [InlineData(0xC6)]
    [InlineData(0xDB)]
    public void TryGetGlobalTag_NoCipheredForm_ReturnsFalse(byte plain)
    {
        Assert.False(CipheredApduTags.TryGetGlobalTag(plain, out _));
        Assert.False(CipheredApduTags.TryGetDedicatedTag(plain, out _));
    }

    [Fact]
    public void Constants_MatchTheBriefedTags()
    {
        Assert.Equal(0xC8, CipheredApduTags.GloGetRequest);
        Assert.Equal(0xC9, CipheredApduTags.GloSetRequest);
        Assert.Equal(0xCA, CipheredApduTags.GloEventNotificationRequest);
        Assert.Equal(0xCB, CipheredApduTags.GloActionRequest);
        Assert.Equal(0xCC, CipheredApduTags.GloGetResponse);
        Assert.Equal(0xCD, CipheredApduTags.GloSetResponse);
        Assert.Equal(0xCF, CipheredApduTags.GloActionResponse);
        Assert.Equal(0x21, CipheredApduTags.GloInitiateRequest);
        Assert.Equal(0x28, CipheredApduTags.GloInitiateResponse);
        Assert.Equal(0x2E, CipheredApduTags.GloConfirmedServiceError);
        Assert.Equal(0xD0, CipheredApduTags.DedGetRequest);
        Assert.Equal(0xD7, CipheredApduTags.DedActionResponse);
    }
}
