package io.vidgate.uploads;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The S3 request signer against AWS's published Signature Version 4 examples. */
class UploadSigV4Test {

    /** The "GET Object" example of the S3 API reference (sig-v4-header-based-auth), with a Range header. */
    @Test
    void signsTheS3GetObjectExample() {
        SigV4 signer = new SigV4("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3");
        Instant at = Instant.parse("2013-05-24T00:00:00Z");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "examplebucket.s3.amazonaws.com");
        headers.put("Range", "bytes=0-9");
        headers.put("x-amz-content-sha256", SigV4.EMPTY_SHA256);
        headers.put("x-amz-date", SigV4.amzDate(at));

        assertEquals("20130524T000000Z", SigV4.amzDate(at));
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                        + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                        + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
                signer.authorization("GET", "/test.txt", Map.of(), headers, SigV4.EMPTY_SHA256, at));
    }

    /** "get-vanilla" of the AWS SigV4 test suite: the smallest request, service "service". */
    @Test
    void signsTheTestSuiteGetVanillaRequest() {
        SigV4 signer = new SigV4("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service");
        Instant at = Instant.parse("2015-08-30T12:36:00Z");
        Map<String, String> headers = Map.of("Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z");

        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
                        + "SignedHeaders=host;x-amz-date,"
                        + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                signer.authorization("GET", "/", Map.of(), headers, SigV4.EMPTY_SHA256, at));
    }

    @Test
    void encodesLikeSigV4() {
        assertEquals("a-b_c.d~e%20f%2Fg%24", SigV4.encode("a-b_c.d~e f/g$"));
        assertEquals("%C3%A9", SigV4.encode("é"));
    }
}
